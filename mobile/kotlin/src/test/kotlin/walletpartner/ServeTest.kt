package walletpartner

import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import java.io.File
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.time.Duration
import java.util.concurrent.TimeUnit

/**
 * The sign-on-backend flow against `wallet-partner serve` over real HTTP: the app (no secret)
 * asks for the Payment Page parameters, its backend signs the canonical string, and the server
 * accepts the signed URL fetched with java.net.http; a URL signed with another secret is
 * refused with 2002. The server binary is target/debug/wallet-partner (tests/run-all.sh builds it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServeTest {
    private val secret = "kotlin-serve-secret"
    private lateinit var server: Process
    private lateinit var base: String
    private val http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()

    @BeforeAll
    fun start() {
        val bin = File(System.getProperty("wp.server.bin") ?: "../../target/debug/wallet-partner")
        assertTrue(bin.canExecute(), "$bin: build it with cargo build -p wallet-partner-cli")
        val pb = ProcessBuilder(bin.path, "serve", "--listen", "127.0.0.1:0", "--project-id", "48039")
        pb.environment()["WALLET_PARTNER_SECRET"] = secret
        pb.redirectError(ProcessBuilder.Redirect.INHERIT)
        server = pb.start()
        val line = server.inputStream.bufferedReader().readLine() ?: error("the server printed nothing")
        assertTrue(line.startsWith("listening on http://127.0.0.1:"), line)
        base = line.removePrefix("listening on ")
    }

    @AfterAll
    fun stop() {
        server.destroy()
        server.waitFor(30, TimeUnit.SECONDS)
    }

    private fun order(id: String) = Order(
        paymentId = id, amount = 125_000, currency = "INR", description = null,
        customer = Customer("cust-1", "203.0.113.7", "Aarav", "Sharma", "919876543210", "aarav@example.in"),
        returnUrlSuccess = "https://shop.example.in/app/payment/done", returnUrlDecline = null, languageCode = "en",
    )

    private fun get(url: String): HttpResponse<String> =
        http.send(HttpRequest.newBuilder(URI(url)).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString())

    private fun signedUrl(id: String, backendSecret: String): String {
        val app = PaymentSession(ProjectConfig(48039uL, null, null, "$base/payment"), order(id))
        val request = app.paymentPageSigningRequest()
        return app.paymentPageUrlSigned(signString(request.canonical, backendSecret), 1_000uL)
    }

    @Test
    fun theServerAcceptsTheBackendsSignature() {
        val url = signedUrl("kt-serve-1", secret)
        assertTrue(url.startsWith("$base/payment?"), url)
        val page = get(url)
        assertEquals(200, page.statusCode(), page.body())
        assertTrue(page.body().contains("Payment kt-serve-1"), page.body())
        assertTrue(page.body().contains("id=\"wallet-partner\" value=\"wallet-partner\" checked"), "preselected")
    }

    @Test
    fun aUrlSignedWithAnotherSecretIsRefused() {
        val page = get(signedUrl("kt-serve-2", "not-the-secret"))
        assertEquals(400, page.statusCode())
        assertTrue(page.body().contains("data-code=\"2002\""), page.body())
    }
}
