"""Maintainer tools for the offline installation kit (spec kit.md): the lock, the build, the glibc check.

``python kit/lock.py`` updates requirements.lock; ``python kit/build.py --platform ... --out DIR``
builds a kit. ``kit/files/`` holds what goes into every kit besides the wheels (the install
scripts, kit_install.py, the 安装说明 templates). Not part of the xuncha wheel.
"""
