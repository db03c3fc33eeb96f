"""Writes an evaluation CSV file as two .xlsx workbooks, for
scripts/bench_workbooks.sh: CSV.xlsx with every cell as in the CSV (scores
as numbers), and CSV.dated.xlsx with each period a date cell displayed as
yyyy"年"m"月" (the half-year's last day: 2026H1 -> 2026-06-30), which
makes ksa look up the display format of every period cell.

    python3 scripts/workbooks.py target/bench-xlsx/evaluations.csv
"""

import csv
import datetime
import sys

import xlsxwriter


def half_year_end(period):
    year, half = int(period[:4]), period[4:]
    return datetime.datetime(year, 6, 30) if half == "H1" else datetime.datetime(year, 12, 31)


def write(path, source, dated):
    book = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = book.add_worksheet("评分")
    month = book.add_format({"num_format": 'yyyy"年"m"月"'})
    with open(source, encoding="utf-8-sig", newline="") as f:
        rows = csv.reader(f)
        header = next(rows)
        period, score = header.index("period"), header.index("score")
        sheet.write_row(0, 0, header)
        for i, row in enumerate(rows, 1):
            for j, text in enumerate(row):
                if j == period and dated:
                    sheet.write_datetime(i, j, half_year_end(text), month)
                elif j == score and text:
                    sheet.write_number(i, j, float(text))
                elif text:
                    sheet.write_string(i, j, text)
    book.close()


if __name__ == "__main__":
    source = sys.argv[1]
    stem = source[: -len(".csv")]
    write(stem + ".xlsx", source, dated=False)
    write(stem + ".dated.xlsx", source, dated=True)
