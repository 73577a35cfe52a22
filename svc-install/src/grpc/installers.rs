//! The `Installers` gRPC service: decodes each request, calls one use case of [`App`],
//! encodes the reply. Errors come from `InstallError` through `?`.

use tandem_proto::common::v1::Address;
use tandem_proto::install::v1 as pb;
use tandem_proto::install::v1::installers_server::Installers;
use tonic::{Request, Response, Status};

use crate::app::{App, BookingView, NearestInstallers};
use crate::domain::{BookingStatus, Customer, Installer, Place, PostalAddress, Slot, rfc3339};

/// The `Installers` service over the installer server's use cases.
#[derive(Clone)]
pub struct InstallerService {
    /// The use cases.
    app: App,
}

impl InstallerService {
    /// The service answering with `app`.
    pub fn new(app: App) -> Self {
        Self { app }
    }
}

#[tonic::async_trait]
impl Installers for InstallerService {
    async fn lookup_postal_code(
        &self,
        request: Request<pb::LookupPostalCodeRequest>,
    ) -> Result<Response<pb::LookupPostalCodeResponse>, Status> {
        let place = self
            .app
            .lookup_postal_code(&request.get_ref().postal_code)?;
        Ok(Response::new(pb::LookupPostalCodeResponse {
            place: Some(place_to_proto(&place)),
        }))
    }

    async fn find_nearest_installers(
        &self,
        request: Request<pb::FindNearestInstallersRequest>,
    ) -> Result<Response<pb::FindNearestInstallersResponse>, Status> {
        let found = self.app.find_nearest(request.get_ref()).await?;
        Ok(Response::new(nearest_to_proto(&found)))
    }

    async fn list_slots(
        &self,
        request: Request<pb::ListSlotsRequest>,
    ) -> Result<Response<pb::ListSlotsResponse>, Status> {
        let slots = self.app.list_slots(request.get_ref()).await?;
        Ok(Response::new(pb::ListSlotsResponse {
            slots: slots.iter().map(slot_to_proto).collect(),
        }))
    }

    async fn book_installation(
        &self,
        request: Request<pb::BookInstallationRequest>,
    ) -> Result<Response<pb::BookInstallationResponse>, Status> {
        let booked = self.app.book(request.get_ref()).await?;
        Ok(Response::new(pb::BookInstallationResponse {
            booking: Some(booking_to_proto(&booked)),
        }))
    }

    async fn cancel_booking(
        &self,
        request: Request<pb::CancelBookingRequest>,
    ) -> Result<Response<pb::CancelBookingResponse>, Status> {
        let cancelled = self.app.cancel_booking(request.get_ref()).await?;
        Ok(Response::new(pb::CancelBookingResponse {
            booking: Some(booking_to_proto(&cancelled)),
        }))
    }

    async fn get_booking(
        &self,
        request: Request<pb::GetBookingRequest>,
    ) -> Result<Response<pb::GetBookingResponse>, Status> {
        let booking = self.app.get_booking(&request.get_ref().booking_id).await?;
        Ok(Response::new(pb::GetBookingResponse {
            booking: Some(booking_to_proto(&booking)),
        }))
    }
}

fn nearest_to_proto(found: &NearestInstallers) -> pb::FindNearestInstallersResponse {
    pb::FindNearestInstallersResponse {
        origin: Some(place_to_proto(&found.origin)),
        matches: found
            .matches
            .iter()
            .map(|m| pb::InstallerMatch {
                installer: Some(installer_to_proto(&m.installer)),
                distance_m: m.distance_m,
                next_slots: m.next_slots.iter().map(slot_to_proto).collect(),
            })
            .collect(),
    }
}

/// A gazetteer place.
fn place_to_proto(p: &Place) -> pb::Place {
    pb::Place {
        postal_code: p.postal_code.to_owned(),
        city: p.city.to_owned(),
        state: p.state.to_owned(),
        latitude: p.location.lat,
        longitude: p.location.lon,
    }
}

/// An installer.
fn installer_to_proto(i: &Installer) -> pb::Installer {
    pb::Installer {
        installer_id: i.installer_id.clone(),
        name: i.name.clone(),
        phone: i.phone.clone(),
        address: Some(address_to_proto(&i.address)),
        latitude: i.location.lat,
        longitude: i.location.lon,
        skills: i
            .skills
            .categories()
            .into_iter()
            .map(|c| c as i32)
            .collect(),
        time_zone: time_zone_to_proto(i),
    }
}

/// The installer's IANA time zone name; empty when unknown.
fn time_zone_to_proto(i: &Installer) -> String {
    i.time_zone.map(|z| z.name().to_owned()).unwrap_or_default()
}

/// A slot.
fn slot_to_proto(s: &Slot) -> pb::Slot {
    pb::Slot {
        slot_id: s.slot_id.clone(),
        installer_id: s.installer_id.clone(),
        starts_at: rfc3339(s.starts_at),
        ends_at: rfc3339(s.ends_at),
        available: s.available,
    }
}

/// A booking with its installer and slot.
fn booking_to_proto(v: &BookingView) -> pb::Booking {
    let b = &v.booking;
    pb::Booking {
        booking_id: b.booking_id.clone(),
        installer: Some(installer_to_proto(&v.installer)),
        slot: Some(slot_to_proto(&v.slot)),
        order_number: b.order_number.clone(),
        product_id: b.product_id.clone(),
        status: match b.status {
            BookingStatus::Booked => pb::BookingStatus::Booked,
            BookingStatus::Cancelled => pb::BookingStatus::Cancelled,
        } as i32,
        customer: Some(customer_to_proto(&b.customer)),
        category: b.category as i32,
        created_at: rfc3339(b.created_at),
        cancelled_at: b.cancelled_at.map(rfc3339).unwrap_or_default(),
        cancel_reason: b.cancel_reason.clone(),
        time_zone: time_zone_to_proto(&v.installer),
    }
}

fn customer_to_proto(c: &Customer) -> pb::InstallCustomer {
    pb::InstallCustomer {
        customer_id: c.customer_id.clone(),
        name: c.name.clone(),
        phone: c.phone.clone(),
        email: c.email.clone(),
        address: Some(address_to_proto(&c.address)),
    }
}

fn address_to_proto(a: &PostalAddress) -> Address {
    Address {
        line1: a.line1.clone(),
        line2: a.line2.clone(),
        city: a.city.clone(),
        region: a.region.clone(),
        postal_code: a.postal_code.clone(),
        country: a.country.clone(),
    }
}
