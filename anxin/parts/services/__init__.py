"""Parts writes. Modules (each imports the ones it needs directly, never this package):

- ``stock``: locations, the ledger primitive ``stock_move_record`` and every stock move (receive,
  transfer, reserve, release, return to the brand, adjust)
- ``codes``: issuing brand codes, verifying a scanned code (refusals flagged to the brand), installing a
  reserved part (consumes it, records the removed serial, opens a return) and the return's steps
- ``catalogue``: one part, or a CSV of parts with per-line errors

Callers use ``from anxin.parts import services; services.NAME``.
"""

from anxin.parts.services.catalogue import ImportResult, LineError, part_create, parts_csv_parse, parts_import
from anxin.parts.services.codes import (
    code_normalise,
    part_code_verify,
    part_codes_issue,
    part_install,
    part_return_receive,
    part_return_ship,
)
from anxin.parts.services.stock import (
    reservation_release,
    stock_adjust,
    stock_move_record,
    stock_receive,
    stock_reserve,
    stock_return_to_brand,
    stock_transfer,
    van_of,
    warehouse_of,
)

__all__ = [
    "ImportResult",
    "LineError",
    "code_normalise",
    "part_code_verify",
    "part_codes_issue",
    "part_create",
    "part_install",
    "part_return_receive",
    "part_return_ship",
    "parts_csv_parse",
    "parts_import",
    "reservation_release",
    "stock_adjust",
    "stock_move_record",
    "stock_receive",
    "stock_reserve",
    "stock_return_to_brand",
    "stock_transfer",
    "van_of",
    "warehouse_of",
]
