//! Compiles `tandem/**/*.proto` with the pure-Rust `protox` compiler (no system protoc)
//! and writes the descriptor set used by gRPC server reflection.

use std::path::PathBuf;

const PROTOS: &[&str] = &[
    "tandem/common/v1/common.proto",
    "tandem/accessory/v1/accessory.proto",
    "tandem/accessory/v1/broker.proto",
    "tandem/insurance/v1/insurance.proto",
    "tandem/install/v1/install.proto",
    "tandem/install/v1/delivery.proto",
    "tandem/settlement/v1/settlement.proto",
    "tandem/settlement/v1/escrow.proto",
    "tandem/leads/v1/leads.proto",
    "tandem/buyback/v1/buyback.proto",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    for proto in PROTOS {
        println!("cargo:rerun-if-changed={proto}");
    }
    let mut compiler = protox::Compiler::new(["."])?;
    compiler.include_source_info(true).include_imports(true);
    compiler.open_files(PROTOS)?;

    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(
        out_dir.join("tandem_descriptor.bin"),
        compiler.encode_file_descriptor_set(),
    )?;
    tonic_prost_build::configure()
        .build_server(true)
        .build_client(true)
        .compile_fds(compiler.file_descriptor_set())?;
    Ok(())
}
