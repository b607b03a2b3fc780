"""Deterministic synthetic data: subjects, and licence and penalty files as departments send them.

`generate(out, subjects, seed=…)` (and `xinyong synth`) writes, for the same seed, the same
bytes every time:

- `subjects.jsonl` — the ground truth: every subject with all its identifiers.
- `xzxk_v2.*` — 行政许可 in the national v2 field names; CSV in UTF-8 with BOM.
- `xzcf_v2.*` — 行政处罚 in v2 names; CSV in GB18030.
- `xzcf_v1.*` — older 行政处罚 (five to ten years back) in the v1 template's names, whose
  代码_2 is the organisation code and 代码_3 the registration number; CSV in GB18030.
- each also as XLSX, as XLS (split at 65,535 data rows per sheet, `_partNN` files) and, for
  the v2 sets, JSON Lines keyed by the v2 names.
- `manifest.json` — every file with its format, encoding, rows (and sheets), size, SHA-256,
  and the rows that are wrong on purpose: `{"row", "reason", "field"}` (+ `sheet`,
  `sheet_row` in spreadsheets). Reasons: `invalid_check_char`, `future_decision_date`,
  `missing_required_field`, `validity_end_before_start` (licences).

Every other row is valid, though a seeded fraction of cells is spelled the way real files
spell them: full-width characters or a trailing space in codes and names, dates as
`2016年11月25日`, `2016/11/25`, `20161125` or Excel serial numbers, 2099-12-31 for long-term.
"""

from xinyong.synth.generate import FORMATS, Options, base_date, generate

__all__ = ["FORMATS", "Options", "base_date", "generate"]
