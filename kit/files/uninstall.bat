@echo off
chcp 65001 >nul
setlocal EnableExtensions DisableDelayedExpansion
rem xuncha uninstall for Windows: removes the program (%LOCALAPPDATA%\xuncha) and the desktop shortcut;
rem keeps the data folder (Documents\巡察统计). Runs kit_install.py with Python 3.11-3.13 (py, then python).
set "KIT_DIR=%~dp0"
set "PY="
call :find py -3.13
if not defined PY call :find py -3.12
if not defined PY call :find py -3.11
if not defined PY call :find python
if not defined PY goto no_python
%PY% "%KIT_DIR%kit_install.py" uninstall
set "RC=%ERRORLEVEL%"
goto done

:find
%* -c "import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 13) else 1)" >nul 2>&1
if not errorlevel 1 set "PY=%*"
exit /b 0

:no_python
echo 未找到 Python 3.11—3.13，无法运行卸载程序。可以手工删除：
echo   %LOCALAPPDATA%\xuncha 文件夹，以及桌面上的“巡察统计工作台”。
echo   文档中的“巡察统计”文件夹是数据，请保留。
set "RC=1"

:done
if not defined XUNCHA_NO_PAUSE pause
exit /b %RC%
