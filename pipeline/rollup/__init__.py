"""The city side: the county package (上报包) and the roll-up of packages (汇总), spec rollup.md.

``format`` (the package's labels, from schemas/package.toml) → ``indicators`` (the 指标代码)
→ ``package`` (writer) / ``reader`` (one file → :class:`~pipeline.rollup.reader.Package`)
→ ``load`` (every package of a folder, and the roster) → ``checks`` → ``figures`` (sums,
recomputed rates) → ``metrics`` / ``workbook`` (outputs).
"""
