"""xuncha: the statistics pipeline of a county inspection office (县委巡察办).

Data flows one way: schemas -> read -> validate -> aggregate -> render.
"""

__version__ = "0.1.0"  # the one version number: pyproject.toml reads it (dynamic)
