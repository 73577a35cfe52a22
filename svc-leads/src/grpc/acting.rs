//! Whom a call is for, from what the mesh verified: the end-user assertion (checked with
//! the gateway's public key) and the calling partner (its certificate). The rules are
//! `domain::acting`'s.

use tandem_mesh::assertion::{METADATA_KEY, Role};
use tandem_mesh::partner::Partner;
use tonic::Request;

use super::LeadsApi;
use crate::domain::acting::{FEED_PARTNER, LeadReader, acted_on};
use crate::domain::parse_customer_id;
use crate::domain::staff::parse_staff_id;
use crate::error::LeadsError;

impl LeadsApi {
    /// The customer the call acts on: the subject of its Customer assertion; `named`
    /// (the request's `customer_id`) must be empty or the same customer.
    pub(super) fn customer<T>(
        &self,
        request: &Request<T>,
        named: &str,
    ) -> Result<String, LeadsError> {
        let who = self.verified(request, Role::Customer)?;
        Ok(acted_on("customer", &who, named, parse_customer_id)?)
    }

    /// The salesperson the call acts for: the subject of its SalesStaff assertion;
    /// `named` (the request's `staff_id`) must be empty or the same salesperson.
    pub(super) fn salesperson<T>(
        &self,
        request: &Request<T>,
        named: &str,
    ) -> Result<String, LeadsError> {
        let who = self.verified(request, Role::SalesStaff)?;
        Ok(acted_on("salesperson", &who, named, parse_staff_id)?)
    }

    /// Who reads leads: the `crm` partner (and, on a plaintext server without partner
    /// identities, a caller without an assertion) reads the whole feed; anyone else reads
    /// as the salesperson of their assertion, only their own leads.
    pub(super) fn lead_reader<T>(
        &self,
        request: &Request<T>,
        named: &str,
    ) -> Result<LeadReader, LeadsError> {
        let carries_assertion = request.metadata().contains_key(METADATA_KEY);
        match Partner::of(request) {
            Some(partner) if partner.name() == FEED_PARTNER => return Ok(LeadReader::Feed),
            None if !carries_assertion => return Ok(LeadReader::Feed),
            _ => {}
        }
        Ok(LeadReader::Staff(self.salesperson(request, named)?))
    }

    /// The subject of the call's assertion, which must be for `role`.
    fn verified<T>(&self, request: &Request<T>, role: Role) -> Result<String, LeadsError> {
        self.users
            .of(request, &[role])
            .map(|assertion| assertion.subject)
            .map_err(|err| {
                let partner = Partner::of(request).map(Partner::name).unwrap_or("-");
                tracing::warn!(partner, %err, "refused: end-user assertion");
                err.into()
            })
    }
}
