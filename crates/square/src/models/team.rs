//! `TeamMember` (staff) with location assignments and wage settings; `Job` titles.

use super::{Money, Timestamp};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

open_enum! {
    /// Whether the team member is active.
    pub enum TeamMemberStatus {
        Active = "ACTIVE",
        Inactive = "INACTIVE",
    }
}

open_enum! {
    /// Which locations a team member works at.
    pub enum AssignmentType {
        AllCurrentAndFutureLocations = "ALL_CURRENT_AND_FUTURE_LOCATIONS",
        ExplicitLocations = "EXPLICIT_LOCATIONS",
    }
}

open_enum! {
    /// How a job is paid.
    pub enum JobAssignmentPayType {
        NoPay = "NONE",
        Hourly = "HOURLY",
        Salary = "SALARY",
    }
}

/// A member of the seller's staff.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamMember {
    pub id: Option<String>,
    pub reference_id: Option<String>,
    pub is_owner: Option<bool>,
    pub status: Option<TeamMemberStatus>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub email_address: Option<String>,
    /// E.164.
    pub phone_number: Option<String>,
    pub created_at: Option<Timestamp>,
    pub updated_at: Option<Timestamp>,
    pub assigned_locations: Option<TeamMemberAssignedLocations>,
    pub wage_setting: Option<WageSetting>,
}

/// The locations a team member is assigned to.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TeamMemberAssignedLocations {
    pub assignment_type: Option<AssignmentType>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub location_ids: Vec<String>,
}

/// Jobs and pay of a team member.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WageSetting {
    pub team_member_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub job_assignments: Vec<JobAssignment>,
    pub is_overtime_exempt: Option<bool>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub version: Option<i64>,
    pub created_at: Option<Timestamp>,
    pub updated_at: Option<Timestamp>,
}

/// One job a team member holds.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobAssignment {
    pub job_title: Option<String>,
    pub pay_type: Option<JobAssignmentPayType>,
    pub hourly_rate: Option<Money>,
    pub annual_rate: Option<Money>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub weekly_hours: Option<i64>,
    pub job_id: Option<String>,
}

/// A job title defined by the seller.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Job {
    pub id: Option<String>,
    pub title: Option<String>,
    pub is_tip_eligible: Option<bool>,
    pub created_at: Option<Timestamp>,
    pub updated_at: Option<Timestamp>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub version: Option<i64>,
}
