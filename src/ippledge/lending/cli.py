"""placeholder"""

import typer

loan_app = typer.Typer(no_args_is_help=True, help="Loans (贷款)")
