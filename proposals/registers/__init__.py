"""Registers as clerks keep them in spreadsheets, read into plain rows (pure; no Django).

`sheets` reads XLSX and CSV into sheets of cell texts and finds each sheet's header row;
`columns` knows the usual Chinese column names of each register; `rows` turns a sheet and a
column mapping into typed rows, each with its sheet, row number and, if refused, the reason.
"""
