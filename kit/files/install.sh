#!/bin/sh
# 巡察工作统计（xuncha）离线安装（Linux：统信 UOS、麒麟 Kylin 等）。
# 用法：在本文件夹中打开终端，运行  sh install.sh
# 不联网、不需要管理员权限；找到 Python 3.11、3.12 或 3.13（64 位）后由 kit_install.py 完成安装。
# 指定某个 Python：PYTHON=/opt/python3.12/bin/python3 sh install.sh

KIT_DIR=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd) || exit 1

# 0 when "$1" is a runnable CPython 3.11-3.13 of 64 bits
suitable() {
    "$1" -c 'import sys, struct; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 13) and struct.calcsize("P") == 8 and sys.implementation.name == "cpython" else 1)' >/dev/null 2>&1
}

PY=""
if [ -n "${PYTHON:-}" ]; then
    if suitable "$PYTHON"; then
        PY=$PYTHON
    else
        echo "环境变量 PYTHON 指定的“$PYTHON”不是可用的 Python 3.11—3.13（64 位），改为自动查找。"
    fi
fi
if [ -z "$PY" ]; then
    for candidate in python3.13 python3.12 python3.11 python3; do
        if suitable "$candidate"; then
            PY=$candidate
            break
        fi
    done
fi

if [ -z "$PY" ]; then
    cat <<'MSG'
未找到可用的 Python。巡察工作统计需要 Python 3.11、3.12 或 3.13（64 位）。

查看本机的 Python 版本：在终端运行  python3 --version
（统信 UOS 20 自带 3.7、麒麟 V10 自带 3.8，都太旧，需要另装一个，不必删除原有的。）

获取 Python 3.11—3.13（任选其一）：
  1. 系统的应用商店或软件源中的 python3.11、python3.12 或 python3.13；
  2. 在能上网的电脑上，从 https://github.com/astral-sh/python-build-standalone/releases
     下载免安装的 Python（文件名形如 cpython-3.12.*-x86_64-unknown-linux-gnu-install_only.tar.gz，
     ARM64 电脑选 aarch64-unknown-linux-gnu），拷到本机解压，例如解压到 ~/python3.12，然后运行
       PYTHON=~/python3.12/bin/python3 sh install.sh
     （以后不要删除这个文件夹，巡察工作统计要用它）。
装好后重新运行本脚本；Python 不在常用位置时，用上面的 PYTHON=… 指定。
MSG
    exit 1
fi

exec "$PY" "$KIT_DIR/kit_install.py" install
