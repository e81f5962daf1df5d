#!/bin/sh
# 巡察工作统计（xuncha）卸载（Linux）：删除程序和桌面快捷方式、菜单项；数据文件夹 ~/巡察统计 保留。
# 用法：在本文件夹中打开终端，运行  sh uninstall.sh

KIT_DIR=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd) || exit 1

suitable() {
    "$1" -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 13) else 1)' >/dev/null 2>&1
}

PY=""
for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
    if [ -n "$candidate" ] && suitable "$candidate"; then
        PY=$candidate
        break
    fi
done

if [ -z "$PY" ]; then
    echo "未找到 Python 3.11—3.13，无法运行卸载程序。可以手工删除："
    echo "  ${XDG_DATA_HOME:-$HOME/.local/share}/xuncha 文件夹、桌面上的“巡察统计工作台”、"
    echo "  ${XDG_DATA_HOME:-$HOME/.local/share}/applications/xuncha-workbench.desktop"
    echo "（数据文件夹 ~/巡察统计 请保留。）"
    exit 1
fi

exec "$PY" "$KIT_DIR/kit_install.py" uninstall
