//! Tandem's gRPC contracts: one module per `.proto` package, plus the encoded descriptor
//! set that every server hands to gRPC reflection.
//!
//! Contracts are versioned (`v1`); a field number is never reused or renumbered.

/// Encoded `FileDescriptorSet` of every Tandem contract, for server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/tandem_descriptor.bin"));

/// `tandem.common.v1`: money, addresses, vehicle classes, paging.
pub mod common {
    /// Version 1 of the shared messages.
    pub mod v1 {
        tonic::include_proto!("tandem.common.v1");
    }
}

/// `tandem.accessory.v1`: the tangible product sales server.
pub mod accessory {
    /// Version 1 of the accessory contract.
    pub mod v1 {
        tonic::include_proto!("tandem.accessory.v1");

        /// `ErrorInfo` reason of a `CancelOrder` refused because the order has shipped:
        /// nothing changed (the customer returns the goods instead).
        pub const REASON_ORDER_SHIPPED: &str = "ORDER_SHIPPED";
    }
}

/// `tandem.insurance.v1`: the intangible product sales server.
pub mod insurance {
    /// Version 1 of the insurance contract.
    pub mod v1 {
        tonic::include_proto!("tandem.insurance.v1");

        /// `ErrorInfo` reason of a `CancelPolicy` refused because the policy's 14-day
        /// cooling-off period has ended (the message names its last day).
        pub const REASON_COOLING_OFF_ENDED: &str = "COOLING_OFF_ENDED";
    }
}

/// `tandem.install.v1`: the installer server.
pub mod install {
    /// Version 1 of the install contract.
    pub mod v1 {
        tonic::include_proto!("tandem.install.v1");
    }
}

/// `tandem.settlement.v1`: the account server.
pub mod settlement {
    /// Version 1 of the settlement contract.
    pub mod v1 {
        tonic::include_proto!("tandem.settlement.v1");

        /// `ErrorInfo` reason of a `Pay` that got UNAVAILABLE because the card processor
        /// did not answer in time (nothing was charged), as opposed to a server that is down.
        pub const REASON_PROCESSOR_UNAVAILABLE: &str = "CARD_PROCESSOR_UNAVAILABLE";
        /// `ErrorInfo` reason of a `Refund` refused because the payment was already
        /// refunded (under another key): the money is back.
        pub const REASON_ALREADY_REFUNDED: &str = "PAYMENT_ALREADY_REFUNDED";
        /// `ErrorInfo` reason of a `Refund` that cannot be made through the API (the card
        /// processor refused it, or the payment was never charged): a person must look.
        pub const REASON_NOT_REFUNDABLE: &str = "NOT_REFUNDABLE";
        /// `ErrorInfo` reason of a `PayEscrow` whose amount or currency is not the
        /// order's price: nothing was charged or booked.
        pub const REASON_AMOUNT_MISMATCH: &str = "AMOUNT_MISMATCH";
        /// `ErrorInfo` reason of a `PayEscrow` on an escrow that no longer awaits payment.
        pub const REASON_ESCROW_NOT_PAYABLE: &str = "ESCROW_NOT_PAYABLE";
        /// `ErrorInfo` reason of a `ChargeSeller` the seller's balance does not cover.
        pub const REASON_INSUFFICIENT_BALANCE: &str = "INSUFFICIENT_BALANCE";
    }
}

/// `tandem.leads.v1`: the sales-staff support server and customer store.
pub mod leads {
    /// Version 1 of the leads contract.
    pub mod v1 {
        tonic::include_proto!("tandem.leads.v1");
    }
}

/// `tandem.buyback.v1`: the buy-back center.
pub mod buyback {
    /// Version 1 of the buy-back contract.
    pub mod v1 {
        tonic::include_proto!("tandem.buyback.v1");
    }
}

mod money;
pub use money::MoneyExt;
mod slug;
pub use slug::EnumSlug;
