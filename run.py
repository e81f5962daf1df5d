"""xuncha 命令行入口：python run.py -h 查看帮助。"""

import sys

from pipeline.cli import main

if __name__ == "__main__":
    sys.exit(main())
