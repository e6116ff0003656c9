package walletpartner

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** The app never holds the secret: it signs on the backend (SPEC §2.2). */
class MobileFlowTest {
    private val secret = "merchant-backend-secret"
    private val appProject = ProjectConfig(48039uL, null, null, null)
    private val backendProject = ProjectConfig(48039uL, secret, null, null)

    private fun order(id: String = "app-1001", amount: Long = 125_000) = Order(
        paymentId = id, amount = amount, currency = "INR", description = "Wallet top-up ₹ & more",
        customer = Customer("cust-1", "203.0.113.7", "Aarav", "Sharma", "919876543210", "aarav@example.in"),
        returnUrlSuccess = "https://shop.example.in/app/payment/done", returnUrlDecline = null, languageCode = "en",
    )

    @Test
    fun signOnBackendGivesTheSameUrlAsTheCoreWithTheSecret() {
        val app = PaymentSession(appProject, order())
        val request = app.paymentPageSigningRequest()
        assertTrue(request.canonical.contains("force_payment_method:wallet-partner"))
        // The backend: signs the canonical string it received (here, the same process).
        val signature = signString(request.canonical, secret)
        val url = app.paymentPageUrlSigned(signature, 1_000uL)
        val direct = PaymentSession(backendProject, order()).paymentPageUrl(1_000uL)
        assertEquals(direct, url)
        assertEquals("pending", app.view().state)
        // A freestanding helper forms the same URL from the parameters.
        assertEquals(direct, paymentPageUrlWithSignature("https://paymentpage.ecommpay.com/payment", request.paramsJson, signature))
    }

    @Test
    fun theAppCannotSignAnything() {
        val app = PaymentSession(appProject, order())
        assertEquals(1003u, errorCode { app.gateSale(1uL) })
        assertEquals(1003u, errorCode { app.paymentPageUrl(1uL) })
        assertEquals(1003u, errorCode { verifyCallback(appProject, "{}".toByteArray()) })
    }

    @Test
    fun redirectsAndCallbacksForDisplay() {
        val sandbox = Sandbox(48039uL, secret, 5uL)
        val backend = PaymentSession(backendProject, order("app-2002", 50_000))
        val answer = sandbox.handle(backend.gateSale(1uL))
        assertEquals(200.toUShort(), answer.httpStatus)
        backend.onResponse(answer.httpStatus, answer.body, 2uL)
        val callbacks = sandbox.completeSale("app-2002", "redirect_then_success")
        // The backend verifies and applies; the app only parses what the backend forwards.
        val step = backend.applyCallback(callbacks[0], 3uL)
        assertEquals(listOf("redirect_customer", "answer_callback"), step.actions)
        val shown = parseCallback(callbacks[0])
        assertFalse(shown.verified)
        assertNotNull(shown.redirect)
        val redirect = shown.redirect!!
        assertEquals("POST", redirect.method)
        assertTrue(redirect.html.contains("<form method=\"post\" action=\"${redirect.url}\">"))
        assertEquals(redirect.url, step.redirect!!.url)
        assertEquals(step.redirect, backend.view().redirect)
        // The backend's snapshot restores in the app, for display.
        backend.applyCallback(callbacks[1], 4uL)
        val app = PaymentSession.restore(appProject, backend.snapshot())
        assertEquals("succeeded", app.view().state)
        assertEquals(backend.view(), app.view())
        val verified = verifyCallback(backendProject, callbacks[1])
        assertTrue(verified.verified)
        assertEquals("success", verified.paymentStatus)
        assertEquals("0", verified.code)
    }
}
