"""Plain-text tables for the terminal, laid out by rich (column widths, alignment), returned as
a string so that commands print them, tests read them and pipes get no colour codes."""
import io


def text_table(headers, rows, title=None, left_columns=1):
    """``headers``: column names; ``rows``: lists of cells (str; None = blank row, a section
    break). The first ``left_columns`` columns are left-aligned, the rest right-aligned
    (figures). Never wrapped: a wide table stays one line per row."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False,
                  title_justify="left", header_style="bold", title_style="")
    for k, h in enumerate(headers):
        table.add_column(h, justify="left" if k < left_columns else "right", no_wrap=True)
    for r in rows:
        if r is None:
            table.add_section()
        else:
            table.add_row(*r)
    out = io.StringIO()
    Console(file=out, width=10_000, color_system=None, force_terminal=False,
            highlight=False).print(table)
    return "\n".join(line.rstrip() for line in out.getvalue().splitlines())
