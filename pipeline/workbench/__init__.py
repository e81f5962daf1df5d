"""The workbench (工作台, spec/workbench.md): the commands' loop in a local web page.

``server`` starts and stops it, ``guards`` checks every request, ``files`` keeps uploads in the
inputs folder and downloads in the outputs folder, ``runs`` holds the state (read cache, one run
at a time), ``pages`` the routes and templates. Everything it computes comes from ``pipeline.app``.
"""
