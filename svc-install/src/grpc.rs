//! The `Installers` gRPC service: request mapping only; rules live in `domain`, the
//! booking steps in `bookings`, data access in `store`.

use std::sync::Arc;
use std::time::Duration;

use futures::future::try_join_all;
use sea_orm::DatabaseConnection;
use tandem_mesh::cache::Snapshot;
use tandem_proto::install::v1::installers_server::Installers;
use tandem_proto::install::v1::{
    BookInstallationRequest, BookInstallationResponse, CancelBookingRequest, CancelBookingResponse,
    FindNearestInstallersRequest, FindNearestInstallersResponse, GetBookingRequest,
    GetBookingResponse, InstallerMatch, ListSlotsRequest, ListSlotsResponse,
    LookupPostalCodeRequest, LookupPostalCodeResponse,
};
use tonic::{Request, Response, Status};

use crate::bookings;
use crate::domain::{
    BookingDraft, CancelRequest, InstallerIndex, InvalidField, NearestQuery, SlotsQuery, gazetteer,
};
use crate::error::InstallError;
use crate::mapping;
use crate::store;

/// The installer service state.
pub struct InstallerService {
    /// The install database.
    db: DatabaseConnection,
    /// The spatial index over all installers, rebuilt from the table once stale.
    index: Arc<Snapshot<InstallerIndex>>,
}

impl InstallerService {
    /// A service over `db`; searches see installer changes within `ttl`.
    pub fn new(db: DatabaseConnection, ttl: Duration) -> Self {
        Self {
            db,
            index: Arc::new(Snapshot::new(ttl)),
        }
    }

    async fn index(&self) -> Result<Arc<InstallerIndex>, InstallError> {
        Ok(self
            .index
            .get_or_load(|| async {
                store::load_installers(&self.db)
                    .await
                    .map(InstallerIndex::new)
            })
            .await?)
    }
}

/// Now, in Unix seconds.
fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

#[tonic::async_trait]
impl Installers for InstallerService {
    async fn lookup_postal_code(
        &self,
        request: Request<LookupPostalCodeRequest>,
    ) -> Result<Response<LookupPostalCodeResponse>, Status> {
        let place = gazetteer()
            .lookup(&request.get_ref().postal_code)
            .map_err(|e| InstallError::from(e.for_field("postal_code")))?;
        Ok(Response::new(LookupPostalCodeResponse {
            place: Some(mapping::place(place)),
        }))
    }

    async fn find_nearest_installers(
        &self,
        request: Request<FindNearestInstallersRequest>,
    ) -> Result<Response<FindNearestInstallersResponse>, Status> {
        let query = NearestQuery::parse(request.get_ref()).map_err(InstallError::from)?;
        let index = self.index().await?;
        let ranked = index.nearest(query.origin.location, query.category, query.limit);
        let now = now();
        let slots = try_join_all(ranked.iter().map(|r| {
            store::next_slots(
                &self.db,
                &r.installer.installer_id,
                now,
                query.slots_per_installer,
            )
        }))
        .await
        .map_err(InstallError::from)?;
        let matches = ranked
            .iter()
            .zip(slots)
            .map(|(r, slots)| InstallerMatch {
                installer: Some(mapping::installer(r.installer)),
                distance_m: r.distance_m,
                next_slots: slots.iter().map(mapping::slot).collect(),
            })
            .collect();
        Ok(Response::new(FindNearestInstallersResponse {
            origin: Some(mapping::place(&query.origin)),
            matches,
        }))
    }

    async fn list_slots(
        &self,
        request: Request<ListSlotsRequest>,
    ) -> Result<Response<ListSlotsResponse>, Status> {
        let query = SlotsQuery::parse(request.get_ref()).map_err(InstallError::from)?;
        store::installer(&self.db, &query.installer_id)
            .await
            .map_err(InstallError::from)?
            .ok_or_else(|| InstallError::not_found("installer", &query.installer_id))?;
        let slots = store::next_slots(&self.db, &query.installer_id, now(), query.limit)
            .await
            .map_err(InstallError::from)?;
        Ok(Response::new(ListSlotsResponse {
            slots: slots.iter().map(mapping::slot).collect(),
        }))
    }

    async fn book_installation(
        &self,
        request: Request<BookInstallationRequest>,
    ) -> Result<Response<BookInstallationResponse>, Status> {
        let draft = BookingDraft::parse(request.get_ref()).map_err(InstallError::from)?;
        let view = bookings::book(&self.db, &draft, now()).await?;
        Ok(Response::new(BookInstallationResponse {
            booking: Some(mapping::booking(&view)),
        }))
    }

    async fn cancel_booking(
        &self,
        request: Request<CancelBookingRequest>,
    ) -> Result<Response<CancelBookingResponse>, Status> {
        let req = CancelRequest::parse(request.get_ref()).map_err(InstallError::from)?;
        let view = bookings::cancel(&self.db, &req, now()).await?;
        Ok(Response::new(CancelBookingResponse {
            booking: Some(mapping::booking(&view)),
        }))
    }

    async fn get_booking(
        &self,
        request: Request<GetBookingRequest>,
    ) -> Result<Response<GetBookingResponse>, Status> {
        let id = request.into_inner().booking_id;
        if id.trim().is_empty() {
            return Err(InstallError::from(InvalidField::new("booking_id", "required")).into());
        }
        let view = bookings::get(&self.db, id.trim()).await?;
        Ok(Response::new(GetBookingResponse {
            booking: Some(mapping::booking(&view)),
        }))
    }
}
