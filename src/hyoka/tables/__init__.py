"""The tables staff publish: the 変更箇所 appendix, the 新旧対照表 and the 変更箇所一覧.

rows.py turns classified changes (and imported appendix rows) into table rows;
render.py fills the Jinja templates in ``templates/``; xlsx.py writes the Excel
workbook the official form is distributed as.
"""
