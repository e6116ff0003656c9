import XCTest
@testable import WalletPartner

final class WalletPartnerTests: XCTestCase {
    let secret = "merchant-backend-secret"

    func order() -> Order {
        Order(paymentId: "ios-1001", amount: 125_000, currency: "INR", description: "Wallet top-up",
              customer: Customer(id: "cust-1", ipAddress: nil, firstName: "Aarav", lastName: nil,
                                 phone: "919876543210", email: "aarav@example.in"),
              returnUrlSuccess: "https://shop.example.in/app/payment/done", returnUrlDecline: nil, languageCode: "en")
    }

    func testSpecExample() throws {
        XCTAssertEqual(try canonicalString(paramsJson: #"{"b": true, "a": {"y": null, "x": [4, 5]}, "frame_mode": "popup"}"#),
                       "a:x:0:4;a:x:1:5;a:y:;b:1")
    }

    func testSignOnBackend() throws {
        let app = try PaymentSession(project: ProjectConfig(projectId: 48039, secret: nil, gateUrl: nil, paymentPageUrl: nil), order: order())
        let request = try app.paymentPageSigningRequest()
        let url = try app.paymentPageUrlSigned(signature: signString(canonical: request.canonical, secret: secret), nowMs: 1000)
        let backend = try PaymentSession(project: ProjectConfig(projectId: 48039, secret: secret, gateUrl: nil, paymentPageUrl: nil), order: order())
        XCTAssertEqual(url, try backend.paymentPageUrl(nowMs: 1000))
        XCTAssertEqual(app.view().state, "pending")
    }

    func testErrorsCarryCodes() {
        XCTAssertThrowsError(try parseCallback(body: Data("{not json".utf8))) { error in
            guard case let WalletPartnerError.Protocol(code, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(code, 2003)
        }
    }
}
