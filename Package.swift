// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "CTIBridge",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ctibridge", targets: ["CTIBridge"]),
        .library(name: "PhoneDrivers", targets: ["PhoneDrivers"]),
        .library(name: "Presence", targets: ["Presence"]),
        .executable(name: "ctibridge-bench", targets: ["CTIBridgeBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // System libraries: each folder holds only module.modulemap and shim.h (static inline helpers).
        .systemLibrary(name: "CXML", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CMosquitto", pkgConfig: "libmosquitto", providers: [.apt(["libmosquitto-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),

        // The normalised, vendor-neutral call model shared by drivers and agent state.
        .target(name: "CallModel", swiftSettings: strict),

        .target(
            name: "PhoneDrivers",
            dependencies: [
                "CallModel", "CXML", "CCurl",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "MQTTClient",
            dependencies: [
                "CMosquitto",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        .target(name: "Presence", dependencies: ["CallModel"], swiftSettings: strict),
        .executableTarget(
            name: "CTIBridge",
            dependencies: [
                "CallModel", "PhoneDrivers", "MQTTClient", "Presence",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),

        // Benchmarks, run on demand by scripts/bench: the real binary against a real broker (docs/performance.md).
        .executableTarget(
            name: "CTIBridgeBench",
            dependencies: [
                "MQTTClient", "PhoneDrivers",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Benchmarks/CTIBridgeBench",
            swiftSettings: strict
        ),

        // Shared test harness: a real mosquitto per test, child processes, HTTP Digest verification.
        .target(
            name: "TestSupport",
            dependencies: [
                "MQTTClient",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: strict
        ),
        .testTarget(name: "CallModelTests", dependencies: ["CallModel"], swiftSettings: strict),
        .testTarget(name: "PhoneDriversTests", dependencies: ["PhoneDrivers", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "MQTTClientTests",
            dependencies: [
                "MQTTClient", "TestSupport",
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "PresenceTests", dependencies: ["Presence"], swiftSettings: strict),
        .testTarget(
            name: "CTIBridgeTests",
            dependencies: ["CTIBridge", "TestSupport", "MQTTClient", "PhoneDrivers"],
            swiftSettings: strict
        ),
    ]
)
