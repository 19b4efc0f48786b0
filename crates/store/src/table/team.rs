//! Team members, active and inactive.

use crate::row_macro::table_row;

table_row! {
    /// A team member (staff).
    TeamMember => "team_members", key (id) {
        id: String,
        given_name: Option<String>,
        family_name: Option<String>,
        email: Option<String>,
        phone_e164: Option<String>,
        status: Option<String>,
        is_owner: bool,
        created_at: Option<String>,
        updated_at: Option<String>,
    }
}
