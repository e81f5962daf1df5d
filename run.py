"""xuncha 命令行入口：python run.py -h 查看帮助。"""

from pipeline.launch import run

if __name__ == "__main__":
    run()
