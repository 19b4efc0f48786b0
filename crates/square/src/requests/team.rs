//! SearchTeamMembers body (no filter returns everyone, active or not).

use crate::models::TeamMemberStatus;
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

/// `POST /v2/team-members/search`.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SearchTeamMembersRequest {
    pub query: Option<SearchTeamMembersQuery>,
    /// 1..=200, default 100.
    #[serde(default, with = "crate::de::int64_opt")]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Team member query.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SearchTeamMembersQuery {
    pub filter: Option<SearchTeamMembersFilter>,
}

/// AND between fields, OR inside `location_ids`.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SearchTeamMembersFilter {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub location_ids: Vec<String>,
    pub status: Option<TeamMemberStatus>,
    pub is_owner: Option<bool>,
}
