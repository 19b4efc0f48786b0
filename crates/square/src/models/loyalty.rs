//! Loyalty: the seller's `LoyaltyProgram`, customers' `LoyaltyAccount`s, and the
//! `LoyaltyEvent` ledger (points earned, rewards created and redeemed, ...).

use super::{Money, Timestamp};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

open_enum! {
    /// Whether the program is running.
    pub enum LoyaltyProgramStatus {
        Inactive = "INACTIVE",
        Active = "ACTIVE",
    }
}

open_enum! {
    /// What earns points.
    pub enum LoyaltyAccrualType {
        Visit = "VISIT",
        Spend = "SPEND",
        ItemVariation = "ITEM_VARIATION",
        Category = "CATEGORY",
    }
}

open_enum! {
    /// Kind of loyalty event; selects which payload field is set.
    pub enum LoyaltyEventType {
        AccumulatePoints = "ACCUMULATE_POINTS",
        CreateReward = "CREATE_REWARD",
        RedeemReward = "REDEEM_REWARD",
        DeleteReward = "DELETE_REWARD",
        AdjustPoints = "ADJUST_POINTS",
        ExpirePoints = "EXPIRE_POINTS",
        Other = "OTHER",
        AccumulatePromotionPoints = "ACCUMULATE_PROMOTION_POINTS",
    }
}

open_enum! {
    /// Where a loyalty event came from.
    pub enum LoyaltyEventSource {
        Square = "SQUARE",
        LoyaltyApi = "LOYALTY_API",
    }
}

/// The seller's loyalty program (at most one per seller).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoyaltyProgram {
    pub id: Option<String>,
    pub status: Option<LoyaltyProgramStatus>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reward_tiers: Vec<LoyaltyProgramRewardTier>,
    pub expiration_policy: Option<LoyaltyProgramExpirationPolicy>,
    pub terminology: Option<LoyaltyProgramTerminology>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub location_ids: Vec<String>,
    pub created_at: Option<Timestamp>,
    pub updated_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accrual_rules: Vec<LoyaltyProgramAccrualRule>,
}

/// A reward customers can buy with points.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoyaltyProgramRewardTier {
    pub id: Option<String>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub points: Option<i64>,
    pub name: Option<String>,
    pub created_at: Option<Timestamp>,
    pub pricing_rule_reference: Option<CatalogObjectReference>,
}

/// A reference to a catalog object at a version (the official example sends the version
/// as a string).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CatalogObjectReference {
    pub object_id: Option<String>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub catalog_version: Option<i64>,
}

/// When points expire (ISO 8601 duration, e.g. `P1Y`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LoyaltyProgramExpirationPolicy {
    pub expiration_duration: Option<String>,
}

/// What the seller calls points (`Point` / `Points`, `Star` / `Stars`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LoyaltyProgramTerminology {
    pub one: Option<String>,
    pub other: Option<String>,
}

/// How points are earned.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoyaltyProgramAccrualRule {
    pub accrual_type: LoyaltyAccrualType,
    #[serde(default, with = "crate::de::int64_opt")]
    pub points: Option<i64>,
    pub visit_data: Option<LoyaltyAccrualVisitData>,
    pub spend_data: Option<LoyaltyAccrualSpendData>,
    pub item_variation_data: Option<LoyaltyAccrualItemVariationData>,
    pub category_data: Option<LoyaltyAccrualCategoryData>,
}

/// Points per visit.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LoyaltyAccrualVisitData {
    pub minimum_amount_money: Option<Money>,
    pub tax_mode: Option<String>,
}

/// Points per amount spent.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LoyaltyAccrualSpendData {
    pub amount_money: Option<Money>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded_category_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded_item_variation_ids: Vec<String>,
    pub tax_mode: Option<String>,
}

/// Points per item variation bought.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LoyaltyAccrualItemVariationData {
    pub item_variation_id: Option<String>,
}

/// Points per item bought from a category.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LoyaltyAccrualCategoryData {
    pub category_id: Option<String>,
}

/// A customer's points balance.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoyaltyAccount {
    pub id: Option<String>,
    pub program_id: String,
    /// May be negative.
    #[serde(default, with = "crate::de::int64_opt")]
    pub balance: Option<i64>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub lifetime_points: Option<i64>,
    pub customer_id: Option<String>,
    pub enrolled_at: Option<Timestamp>,
    pub created_at: Option<Timestamp>,
    pub updated_at: Option<Timestamp>,
    pub mapping: Option<LoyaltyAccountMapping>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expiring_point_deadlines: Vec<LoyaltyAccountExpiringPointDeadline>,
}

/// The phone number a loyalty account is known by.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LoyaltyAccountMapping {
    pub id: Option<String>,
    pub created_at: Option<Timestamp>,
    pub phone_number: Option<String>,
}

/// Points that expire at a given time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoyaltyAccountExpiringPointDeadline {
    #[serde(with = "crate::de::int64")]
    pub points: i64,
    pub expires_at: Timestamp,
}

/// One entry of the loyalty ledger. The payload matching `event_type` is set.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoyaltyEvent {
    pub id: String,
    #[serde(rename = "type")]
    pub event_type: LoyaltyEventType,
    pub created_at: Timestamp,
    pub loyalty_account_id: String,
    pub source: LoyaltyEventSource,
    pub location_id: Option<String>,
    pub accumulate_points: Option<LoyaltyEventPoints>,
    pub create_reward: Option<LoyaltyEventReward>,
    pub redeem_reward: Option<LoyaltyEventReward>,
    pub delete_reward: Option<LoyaltyEventReward>,
    pub adjust_points: Option<LoyaltyEventPoints>,
    pub expire_points: Option<LoyaltyEventPoints>,
    pub other_event: Option<LoyaltyEventPoints>,
    pub accumulate_promotion_points: Option<LoyaltyEventPoints>,
}

/// Payload of the points events (accumulate, adjust, expire, other, promotion).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LoyaltyEventPoints {
    pub loyalty_program_id: Option<String>,
    pub loyalty_promotion_id: Option<String>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub points: Option<i64>,
    pub order_id: Option<String>,
    pub reason: Option<String>,
}

/// Payload of the reward events (create, redeem, delete). `points` is negative on create
/// in Square's example.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LoyaltyEventReward {
    pub loyalty_program_id: Option<String>,
    pub reward_id: Option<String>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub points: Option<i64>,
    pub order_id: Option<String>,
}
