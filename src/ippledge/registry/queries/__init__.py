"""Published read face (查询接口) of registry: what other capabilities may read. Typed, and party-scoped where a caller
is given. Where each read lives:

- ``assets``: the register's assets as intake, pledge, valuation and credit read them (facts, summaries, numbers,
  owners, a search by criteria);
- ``bulk``: the whole register at once for the valuation engine, its fingerprint, and the ids bulk loads need;
- ``post_loan``: post-loan monitoring's reads (贷后监测): the day's events, open annuities, pledged IP's state;
- ``firms``: enterprises for whitelists and the reverse push (白名单与反向推送): profiles, designations, IP facts.

Other capabilities import the names re-exported here.
"""

from __future__ import annotations

from ippledge.registry.queries.assets import (
    AssetSearch,
    AssetSummary,
    asset_id_by_number,
    asset_ids,
    asset_summaries,
    assets_owned_by,
    existing_asset_ids,
    find_asset_id,
    ipc_main_of,
    load_facts,
    owned_asset_ids,
    owner_ids,
    sole_owners,
    visible_asset_id,
)
from ippledge.registry.queries.bulk import (
    EnterpriseProfile,
    asset_columns,
    asset_ids_by_number,
    enterprise_profiles,
    next_asset_id,
    next_event_id,
    owner_rows,
    register_version,
    status_event_counts,
)
from ippledge.registry.queries.firms import (
    DesignationFact,
    EnterpriseFacts,
    FirmIpFacts,
    designations,
    enterprise_facts,
    enterprise_ids,
    firm_ip_facts,
    high_tech_flags,
    patents_in_force_of,
)
from ippledge.registry.queries.post_loan import (
    OpenAnnuity,
    PledgedAssetFacts,
    StatusEventRow,
    last_event_id,
    open_annuities,
    open_annuity,
    pledged_asset_facts,
    status_events_after,
)

__all__ = [
    "AssetSearch",
    "AssetSummary",
    "DesignationFact",
    "EnterpriseFacts",
    "EnterpriseProfile",
    "FirmIpFacts",
    "OpenAnnuity",
    "PledgedAssetFacts",
    "StatusEventRow",
    "asset_columns",
    "asset_id_by_number",
    "asset_ids",
    "asset_ids_by_number",
    "asset_summaries",
    "assets_owned_by",
    "designations",
    "enterprise_facts",
    "enterprise_ids",
    "enterprise_profiles",
    "existing_asset_ids",
    "find_asset_id",
    "firm_ip_facts",
    "high_tech_flags",
    "ipc_main_of",
    "last_event_id",
    "load_facts",
    "next_asset_id",
    "next_event_id",
    "open_annuities",
    "open_annuity",
    "owned_asset_ids",
    "owner_ids",
    "owner_rows",
    "patents_in_force_of",
    "pledged_asset_facts",
    "register_version",
    "sole_owners",
    "status_event_counts",
    "status_events_after",
    "visible_asset_id",
]
