//! `tandem pki …`: the local certificate authority of `tandem up` and the gateway's
//! end-user assertion key — certificates for partners, the public key for services, and
//! assertions for calling end-user RPCs by hand.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Subcommand;
use tandem_mesh::assertion::{Role, Signer};
use tandem_mesh::pki::LocalCa;

/// What `tandem pki` does.
#[derive(Debug, Subcommand)]
pub enum PkiCommand {
    /// Issue a certificate (and key) for a new partner from the CA in the PKI directory;
    /// its name goes into the certificate as spiffe://tandem/partner/<partner>.
    Issue(IssueArgs),
    /// Print the public key services check end-user assertions with (for
    /// TANDEM_USER_ASSERTION_PUBLIC_KEY).
    AssertionPublicKey(PkiDirArgs),
    /// Print an end-user assertion signed with the gateway's key, to call an RPC that
    /// acts for a customer or staff member by hand: `grpcurl -H "x-tandem-user: $(tandem
    /// pki user-assertion customer CUS-…)" …`.
    UserAssertion(UserAssertionArgs),
}

/// The PKI directory.
#[derive(Debug, clap::Args)]
pub struct PkiDirArgs {
    /// Directory of the CA (`tandem up` makes it under its data directory).
    #[arg(long, env = "TANDEM_PKI_DIR", default_value = "data/pki")]
    pub dir: PathBuf,
}

/// Flags of `tandem pki issue`.
#[derive(Debug, clap::Args)]
pub struct IssueArgs {
    /// The partner's name: lower-case letters, digits and dashes (e.g. crm, acme-installers).
    pub partner: String,
    /// Host names or IP addresses the certificate is also valid for as a server.
    #[arg(long = "host")]
    pub hosts: Vec<String>,
    /// Issue a new certificate even when the partner has one.
    #[arg(long)]
    pub renew: bool,
    /// Where the CA is.
    #[command(flatten)]
    pub pki: PkiDirArgs,
}

/// Flags of `tandem pki user-assertion`.
#[derive(Debug, clap::Args)]
pub struct UserAssertionArgs {
    /// What the user is.
    pub role: RoleArg,
    /// The customer or staff ID.
    pub subject: String,
    /// Seconds the assertion is valid.
    #[arg(long, default_value_t = 300)]
    pub ttl_secs: u64,
    /// Where the gateway's key is.
    #[command(flatten)]
    pub pki: PkiDirArgs,
}

/// The roles of end users, as the command line spells them.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum RoleArg {
    /// A customer (subject: customer ID).
    Customer,
    /// A salesperson of the sales desk (subject: staff ID).
    SalesStaff,
    /// A member of the buy-back center's staff (subject: staff ID).
    BuybackStaff,
    /// A seller of the anonymous-purchase broker (subject: its partner name).
    Seller,
}

impl From<RoleArg> for Role {
    fn from(role: RoleArg) -> Self {
        match role {
            RoleArg::Customer => Role::Customer,
            RoleArg::SalesStaff => Role::SalesStaff,
            RoleArg::BuybackStaff => Role::BuybackStaff,
            RoleArg::Seller => Role::Seller,
        }
    }
}

/// Runs `tandem pki …`.
pub fn run(command: PkiCommand) -> anyhow::Result<()> {
    match command {
        PkiCommand::Issue(args) => {
            let ca = LocalCa::open_or_create(&args.pki.dir)?;
            let hosts: Vec<&str> = args.hosts.iter().map(String::as_str).collect();
            let existed = ca.files(&args.partner).cert.exists();
            let files = ca.issue(&args.partner, &hosts, args.renew)?;
            let what = if existed && !args.renew {
                "already has a certificate (--renew issues a new one)"
            } else {
                "certificate issued"
            };
            println!("partner {}: {what}", args.partner);
            println!("  CA bundle    {}", files.ca.display());
            println!("  certificate  {}", files.cert.display());
            println!("  private key  {}", files.key.display());
            println!(
                "\nIt may call what the policy lists under [partners.{}].",
                args.partner
            );
            Ok(())
        }
        PkiCommand::UserAssertion(args) => {
            let path = crate::trust::assertion_key_path(&args.pki.dir);
            let signer = Signer::open_existing(&path)
                .with_context(|| format!("the assertion key {}", path.display()))?;
            let ttl = std::time::Duration::from_secs(args.ttl_secs);
            println!("{}", signer.sign(&args.subject, args.role.into(), ttl));
            Ok(())
        }
        PkiCommand::AssertionPublicKey(args) => {
            let path = crate::trust::assertion_key_path(&args.dir);
            let signer = Signer::open_or_create(&path)
                .with_context(|| format!("the assertion key {}", path.display()))?;
            println!("{}", signer.public_key());
            Ok(())
        }
    }
}
