//! `CatalogObject`: the wrapper every catalog entry comes in. Its `type` names which
//! `<type>_data` field carries the payload; `CatalogData` holds that payload typed for the
//! types Keeper reads and as raw JSON for every other type (kept, not dropped).

use super::{
    CatalogCategory, CatalogDiscount, CatalogImage, CatalogItem, CatalogItemVariation,
    CatalogModifier, CatalogModifierList, CatalogTax, Timestamp,
};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use serde_with::skip_serializing_none;

open_enum! {
    /// Catalog object type.
    pub enum CatalogObjectType {
        Item = "ITEM",
        ItemVariation = "ITEM_VARIATION",
        ModifierList = "MODIFIER_LIST",
        Modifier = "MODIFIER",
        Category = "CATEGORY",
        Tax = "TAX",
        Discount = "DISCOUNT",
        Image = "IMAGE",
        PricingRule = "PRICING_RULE",
        ProductSet = "PRODUCT_SET",
        TimePeriod = "TIME_PERIOD",
        MeasurementUnit = "MEASUREMENT_UNIT",
        SubscriptionPlan = "SUBSCRIPTION_PLAN",
        SubscriptionPlanVariation = "SUBSCRIPTION_PLAN_VARIATION",
        ItemOption = "ITEM_OPTION",
        ItemOptionVal = "ITEM_OPTION_VAL",
        CustomAttributeDefinition = "CUSTOM_ATTRIBUTE_DEFINITION",
        QuickAmountsSettings = "QUICK_AMOUNTS_SETTINGS",
        Component = "COMPONENT",
        Composition = "COMPOSITION",
        Resource = "RESOURCE",
        CheckoutLink = "CHECKOUT_LINK",
        Address = "ADDRESS",
        AvailabilityPeriod = "AVAILABILITY_PERIOD",
    }
}

impl CatalogObjectType {
    /// The key of the payload field: `ITEM_VARIATION` → `item_variation_data`.
    pub fn data_key(&self) -> String {
        format!("{}_data", self.as_str().to_ascii_lowercase())
    }
}

/// The typed payload of a catalog object.
#[derive(Debug, Clone, PartialEq)]
pub enum CatalogData {
    Item(Box<CatalogItem>),
    ItemVariation(Box<CatalogItemVariation>),
    ModifierList(Box<CatalogModifierList>),
    Modifier(Box<CatalogModifier>),
    Category(Box<CatalogCategory>),
    Tax(Box<CatalogTax>),
    Discount(Box<CatalogDiscount>),
    Image(Box<CatalogImage>),
    /// Any other type: the `<type>_data` value, unparsed.
    Other(Value),
}

/// A catalog entry: common fields plus the payload for its type.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogObject {
    pub object_type: CatalogObjectType,
    pub id: String,
    pub updated_at: Option<Timestamp>,
    pub version: Option<i64>,
    /// Only set by SearchCatalogObjects with `include_deleted_objects`.
    pub is_deleted: Option<bool>,
    pub catalog_v1_ids: Vec<CatalogV1Id>,
    pub present_at_all_locations: Option<bool>,
    pub present_at_location_ids: Vec<String>,
    pub absent_at_location_ids: Vec<String>,
    pub image_id: Option<String>,
    /// `None` when the object carries no `<type>_data` field.
    pub data: Option<CatalogData>,
}

impl CatalogObject {
    /// The ITEM payload, if this is an item.
    pub fn item(&self) -> Option<&CatalogItem> {
        match &self.data {
            Some(CatalogData::Item(item)) => Some(item),
            _ => None,
        }
    }

    /// The ITEM_VARIATION payload, if this is a variation.
    pub fn item_variation(&self) -> Option<&CatalogItemVariation> {
        match &self.data {
            Some(CatalogData::ItemVariation(variation)) => Some(variation),
            _ => None,
        }
    }
}

/// The id an object had in Square's v1 API, per location.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CatalogV1Id {
    pub catalog_v1_id: Option<String>,
    pub location_id: Option<String>,
}

/// The common fields, as they appear on the wire.
#[skip_serializing_none]
#[derive(Serialize, Deserialize)]
struct Common {
    #[serde(rename = "type")]
    object_type: CatalogObjectType,
    id: String,
    updated_at: Option<Timestamp>,
    #[serde(default, with = "crate::de::int64_opt")]
    version: Option<i64>,
    is_deleted: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    catalog_v1_ids: Vec<CatalogV1Id>,
    present_at_all_locations: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    present_at_location_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    absent_at_location_ids: Vec<String>,
    image_id: Option<String>,
}

fn typed<T: serde::de::DeserializeOwned, E: serde::de::Error>(
    value: Value,
    wrap: fn(Box<T>) -> CatalogData,
) -> Result<CatalogData, E> {
    serde_json::from_value::<T>(value)
        .map(|data| wrap(Box::new(data)))
        .map_err(E::custom)
}

impl<'de> Deserialize<'de> for CatalogObject {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut map = Map::<String, Value>::deserialize(deserializer)?;
        let object_type = match map.get("type") {
            Some(Value::String(name)) => CatalogObjectType::from(name.as_str()),
            _ => return Err(D::Error::missing_field("type")),
        };
        let payload = map.remove(&object_type.data_key()).filter(|v| !v.is_null());
        let data = match payload {
            None => None,
            Some(value) => Some(match object_type {
                CatalogObjectType::Item => typed(value, CatalogData::Item)?,
                CatalogObjectType::ItemVariation => typed(value, CatalogData::ItemVariation)?,
                CatalogObjectType::ModifierList => typed(value, CatalogData::ModifierList)?,
                CatalogObjectType::Modifier => typed(value, CatalogData::Modifier)?,
                CatalogObjectType::Category => typed(value, CatalogData::Category)?,
                CatalogObjectType::Tax => typed(value, CatalogData::Tax)?,
                CatalogObjectType::Discount => typed(value, CatalogData::Discount)?,
                CatalogObjectType::Image => typed(value, CatalogData::Image)?,
                _ => CatalogData::Other(value),
            }),
        };
        let common: Common =
            serde_json::from_value(Value::Object(map)).map_err(D::Error::custom)?;
        Ok(CatalogObject {
            object_type: common.object_type,
            id: common.id,
            updated_at: common.updated_at,
            version: common.version,
            is_deleted: common.is_deleted,
            catalog_v1_ids: common.catalog_v1_ids,
            present_at_all_locations: common.present_at_all_locations,
            present_at_location_ids: common.present_at_location_ids,
            absent_at_location_ids: common.absent_at_location_ids,
            image_id: common.image_id,
            data,
        })
    }
}

impl Serialize for CatalogObject {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error as _;
        let common = Common {
            object_type: self.object_type.clone(),
            id: self.id.clone(),
            updated_at: self.updated_at,
            version: self.version,
            is_deleted: self.is_deleted,
            catalog_v1_ids: self.catalog_v1_ids.clone(),
            present_at_all_locations: self.present_at_all_locations,
            present_at_location_ids: self.present_at_location_ids.clone(),
            absent_at_location_ids: self.absent_at_location_ids.clone(),
            image_id: self.image_id.clone(),
        };
        let mut map = match serde_json::to_value(&common).map_err(S::Error::custom)? {
            Value::Object(map) => map,
            _ => {
                return Err(S::Error::custom(
                    "catalog object did not serialize to a map",
                ));
            }
        };
        if let Some(data) = &self.data {
            let value = match data {
                CatalogData::Item(d) => serde_json::to_value(d),
                CatalogData::ItemVariation(d) => serde_json::to_value(d),
                CatalogData::ModifierList(d) => serde_json::to_value(d),
                CatalogData::Modifier(d) => serde_json::to_value(d),
                CatalogData::Category(d) => serde_json::to_value(d),
                CatalogData::Tax(d) => serde_json::to_value(d),
                CatalogData::Discount(d) => serde_json::to_value(d),
                CatalogData::Image(d) => serde_json::to_value(d),
                CatalogData::Other(v) => Ok(v.clone()),
            }
            .map_err(S::Error::custom)?;
            map.insert(self.object_type.data_key(), value);
        }
        map.serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_unknown_type_keeps_type_and_payload() {
        let json = r#"{"type":"FANCY_NEW_THING","id":"X1","version":"7",
                       "fancy_new_thing_data":{"answer":42},"brand_new_field":true}"#;
        let obj: CatalogObject = serde_json::from_str(json).unwrap();
        assert_eq!(
            obj.object_type,
            CatalogObjectType::Unknown("FANCY_NEW_THING".into())
        );
        assert_eq!(obj.version, Some(7));
        assert_eq!(
            obj.data,
            Some(CatalogData::Other(serde_json::json!({"answer": 42})))
        );
        let back = serde_json::to_value(&obj).unwrap();
        assert_eq!(back["type"], "FANCY_NEW_THING");
        assert_eq!(back["fancy_new_thing_data"]["answer"], 42);
        assert!(back.get("brand_new_field").is_none());
    }

    #[test]
    fn catalog_item_payload_is_typed_with_nested_variations() {
        let json = r#"{"type":"ITEM","id":"I1","item_data":{"name":"Tea","variations":[
            {"type":"ITEM_VARIATION","id":"V1","item_variation_data":{"item_id":"I1",
             "price_money":{"amount":150,"currency":"USD"},"service_duration":"3600000"}}]}}"#;
        let obj: CatalogObject = serde_json::from_str(json).unwrap();
        let item = obj.item().expect("item payload");
        assert_eq!(item.name.as_deref(), Some("Tea"));
        let variation = item.variations[0].item_variation().expect("variation");
        assert_eq!(variation.item_id.as_deref(), Some("I1"));
        assert_eq!(variation.service_duration, Some(3_600_000));
    }

    #[test]
    fn catalog_object_without_type_is_rejected() {
        assert!(serde_json::from_str::<CatalogObject>(r#"{"id":"X"}"#).is_err());
    }

    #[test]
    fn catalog_deleted_object_without_payload_decodes() {
        let obj: CatalogObject =
            serde_json::from_str(r#"{"type":"ITEM","id":"I9","is_deleted":true}"#).unwrap();
        assert_eq!(obj.is_deleted, Some(true));
        assert!(obj.data.is_none());
    }
}
