"""What the raw data contract is made of: a table (Table), its columns (Column), an ordered status (Progression).

The contract itself, every raw table, is `contract.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    required: bool = True  # False: the value may be empty
    enum: tuple[str, ...] = ()  # accepted values after lower-casing, if any
    references: str | None = None  # "table.column" foreign key
    min_value: float | None = None  # smallest accepted value (numbers)
    min_inclusive: bool = True  # False: the value must be > min_value
    not_before: str | None = None  # another column of the row this one must not precede
    money_in: str | None = None  # the currency column of this amount (plausibility check)
    fx_date: str | None = None  # for a currency column: the date the FX rate is needed at
    scale: int | None = None  # decimals: digits kept after the point (None: 6, money); 14 before it
    # real exports often lack a column: it may be absent from the file or table (read as empty)
    absent_ok: bool = False
    default: str | None = None  # the value an empty (or absent) optional column takes, e.g. "unknown"
    required_with: str | None = None  # required when that other column of the row has a value
    required_without: str | None = None  # required when that other column of the row is empty
    # required when that other column of the row holds one of these values: (column, values)
    required_when: tuple[str, tuple[str, ...]] | None = None
    # a column of a referenced row this one must not precede (e.g. a status change of a lead before
    # the lead was created): "<foreign key column of this table>.<column of the referenced table>"
    not_before_reference: str | None = None
    fallback: str | None = None  # another column of the row whose value this one takes when it is empty

    @property
    def normalize(self) -> str | None:
        """How staging normalises the text before comparing it: `lower` for enums and utm
        values, `upper` for ISO codes (currencies, countries), None (trim only) otherwise."""
        if self.type != "string":
            return None
        if self.enum or self.name.startswith("utm_"):
            return "lower"
        if self.name == "country" or self.name.endswith("currency"):
            return "upper"
        return None


@dataclass(frozen=True)
class Progression:
    """An ordered status column that must not go backwards within a partition.

    Events are ordered by `order_by` then `tie_breaker` within `partition_by`.
    An event whose value is in `ordered` must not rank lower than the event just
    before it when that one is also in `ordered`; a value in `resets` (e.g. a
    close) in between starts over, so a re-opened deal may restart anywhere.
    """

    column: str
    partition_by: str
    order_by: str
    tie_breaker: str
    ordered: tuple[str, ...]
    resets: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    name: str
    source: str
    description: str
    primary_key: tuple[str, ...]
    columns: tuple[Column, ...]
    event_column: str | None = None  # the column freshness is measured on
    freshness_days: int | None = None  # max age of the newest row vs as-of date
    extra: dict = field(default_factory=dict)
    progression: Progression | None = None
    # dbt source freshness (the wall clock, for the sync that fills the source schema):
    # the event column, or for a dimension table the date column that grows with new rows
    loaded_at_column: str | None = None
    loaded_at_days: int | None = None
    no_freshness_reason: str | None = None  # why a table has no source freshness
    # periods that must not overlap within a partition: (partition column, start column, end column);
    # end is exclusive, empty end = still open
    no_overlap: tuple[str, str, str] | None = None

    @property
    def source_freshness(self) -> tuple[str, int] | None:
        """(column, warn after days) of `dbt source freshness`, or None."""
        if self.loaded_at_column:
            return self.loaded_at_column, self.loaded_at_days or 1
        if self.event_column:
            return self.event_column, self.freshness_days or 1
        return None

    @property
    def staging_model(self) -> str:
        """The staging model of this table: stg_<source>__<table name without its prefix>."""
        return f"stg_{self.source}__{self.name.split('_', 1)[1]}"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]
