//! Loyalty program, accounts and events.

use crate::time::Ts;
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct CatalogObjectReference {
    pub object_id: String,
    pub catalog_version: i64,
}

#[derive(Clone, Debug, Serialize)]
pub struct RewardTier {
    pub id: String,
    pub points: i64,
    pub name: String,
    pub created_at: Ts,
    pub pricing_rule_reference: CatalogObjectReference,
}

#[derive(Clone, Debug, Serialize)]
pub struct Terminology {
    pub one: &'static str,
    pub other: &'static str,
}

#[derive(Clone, Debug, Serialize)]
pub struct AccrualRule {
    pub accrual_type: &'static str,
    pub points: i64,
}

#[derive(Clone, Debug, Serialize)]
pub struct LoyaltyProgram {
    pub id: String,
    pub status: &'static str,
    pub reward_tiers: Vec<RewardTier>,
    pub terminology: Terminology,
    pub location_ids: Vec<String>,
    pub created_at: Ts,
    pub updated_at: Ts,
    pub accrual_rules: Vec<AccrualRule>,
}

#[derive(Clone, Debug, Serialize)]
pub struct LoyaltyAccountMapping {
    pub id: String,
    pub created_at: Ts,
    pub phone_number: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct LoyaltyAccount {
    pub id: String,
    pub mapping: LoyaltyAccountMapping,
    pub program_id: String,
    pub balance: i64,
    pub lifetime_points: i64,
    pub customer_id: String,
    pub enrolled_at: Ts,
    pub created_at: Ts,
    pub updated_at: Ts,
}

#[derive(Clone, Debug, Serialize)]
pub struct PointsWithOrder {
    pub loyalty_program_id: String,
    pub points: i64,
    pub order_id: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct CreateReward {
    pub loyalty_program_id: String,
    pub reward_id: String,
    pub points: i64,
}

#[derive(Clone, Debug, Serialize)]
pub struct RedeemReward {
    pub loyalty_program_id: String,
    pub reward_id: String,
    pub order_id: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct AdjustPoints {
    pub loyalty_program_id: String,
    pub points: i64,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct LoyaltyEvent {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub created_at: Ts,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accumulate_points: Option<PointsWithOrder>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_reward: Option<CreateReward>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redeem_reward: Option<RedeemReward>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adjust_points: Option<AdjustPoints>,
    pub loyalty_account_id: String,
    pub location_id: String,
    pub source: &'static str,
}
