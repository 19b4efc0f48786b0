//! Team member and job envelopes.

use super::{one_response, page_response};
use crate::models::{Job, TeamMember};

page_response! {
    /// `POST /v2/team-members/search`.
    SearchTeamMembersResponse { team_members: TeamMember }
}

one_response! {
    /// `GET /v2/team-members/{team_member_id}`.
    RetrieveTeamMemberResponse { team_member: TeamMember }
}

page_response! {
    /// `GET /v2/team-members/jobs`.
    ListJobsResponse { jobs: Job }
}
