// swift-tools-version:5.7
// The generated Swift bindings of wallet-partner (uniffi), linked against the Rust library.
// Build the library first: `cargo build -p wallet-partner-mobile` (for iOS, an XCFramework:
// see mobile/README.md). Checked by mobile/check-bindings.sh.
import PackageDescription

let package = Package(
    name: "WalletPartner",
    products: [
        .library(name: "WalletPartner", targets: ["WalletPartner"]),
    ],
    targets: [
        .systemLibrary(name: "WalletPartnerFFI", path: "Sources/WalletPartnerFFI/include"),
        .target(
            name: "WalletPartner",
            dependencies: ["WalletPartnerFFI"],
            path: "Sources/WalletPartner",
            linkerSettings: [
                .linkedLibrary("wallet_partner_mobile"),
                .unsafeFlags(["-L../../target/debug"]),
            ]
        ),
        .testTarget(name: "WalletPartnerTests", dependencies: ["WalletPartner"], path: "Tests/WalletPartnerTests"),
    ]
)
