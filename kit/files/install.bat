@echo off
chcp 65001 >nul
setlocal EnableExtensions DisableDelayedExpansion
rem xuncha offline install for Windows 10/11 (64-bit): double-click this file, or run it in a cmd window.
rem No network and no administrator rights needed. It finds Python 3.11-3.13 (64-bit) - py -3.13, -3.12,
rem -3.11, then python - and runs kit_install.py with it, which does the rest (see 安装说明.txt).
rem This file is UTF-8 without BOM and has CRLF line ends; the line above switches the console to UTF-8.
rem XUNCHA_NO_PAUSE=1 skips the pause at the end (for scripted installs).
set "KIT_DIR=%~dp0"
set "PY="
call :find py -3.13
if not defined PY call :find py -3.12
if not defined PY call :find py -3.11
if not defined PY call :find python
if not defined PY goto no_python
%PY% "%KIT_DIR%kit_install.py" install
set "RC=%ERRORLEVEL%"
goto done

:find
%* -c "import sys, struct; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 13) and struct.calcsize('P') == 8 else 1)" >nul 2>&1
if not errorlevel 1 set "PY=%*"
exit /b 0

:no_python
echo 未找到可用的 Python。巡察工作统计需要 Python 3.11、3.12 或 3.13（64 位）。
echo.
echo 查看本机已装的 Python：按 Win+R，输入 cmd 后回车，在打开的窗口中运行  py -0
echo   列出的版本中应有 3.11、3.12 或 3.13，且为 64 位；提示找不到 py 时，运行  python --version
echo.
echo 获取 Python：在能上网的电脑上，从 https://www.python.org/downloads/windows/ 下载
echo   3.11、3.12 或 3.13 的“Windows installer 64-bit”，拷到本机运行。没有管理员权限时，
echo   先取消勾选“Use admin privileges when installing py.exe”，再点“Install Now”。
echo 装好后重新运行 install.bat。
set "RC=1"

:done
if not defined XUNCHA_NO_PAUSE pause
exit /b %RC%
