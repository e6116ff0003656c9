package walletpartner

import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory

/** Secret rotation on a backend (tests/vectors/rotation.json): previous secrets verify, named. */
class RotationTest {
    private val v = Vectors.obj("rotation.json")

    private fun detail(e: WalletPartnerException): String = e.message ?: ""

    @TestFactory
    fun sharedVectors(): List<DynamicTest> {
        val cases = v.getJSONArray("cases")
        assertTrue(cases.length() >= 15)
        return (0 until cases.length()).map { i ->
            val case = cases.getJSONObject(i)
            DynamicTest.dynamicTest(case.getString("name")) { check(case) }
        }
    }

    private fun check(case: JSONObject) {
        val keys = case.getJSONArray("verification_keys")
        val project = ProjectConfig(
            v.getLong("project_id").toULong(), case.getString("secret"), null, null,
            (0 until keys.length()).map { VerificationKey(keys.getJSONArray(it).getString(0), keys.getJSONArray(it).getString(1)) },
        )
        val expect = case.getJSONObject("expect")
        val signedWith = case.optStringOrNull("signed_with") ?: "unused"
        val msg = JSONObject(v.getJSONObject("message").toString())
        msg.put("signature", sign(msg.toString(), signedWith))
        try {
            val view = verifyCallback(project, msg.toString().toByteArray())
            assertEquals(expect.getString("key_label"), view.keyLabel)
            assertTrue(view.verified)
        } catch (e: WalletPartnerException) {
            assertEquals(expect.getLong("error").toUInt(), e.code, detail(e))
            assertTrue(detail(e).contains(expect.getString("message_contains")), detail(e))
            val secrets = case.getJSONArray("secrets")
            for (j in 0 until secrets.length()) assertFalse(detail(e).contains(secrets.getString(j)), "a secret in the error")
        }
    }

    @Test
    fun theSandboxSignsARetryWithTheOldSecret() {
        val sandbox = Sandbox(48039u, "new-secret", 9u)
        val project = ProjectConfig(48039u, "new-secret", null, null, listOf(VerificationKey("previous", "old-secret")))
        val session = PaymentSession(project, order(paymentId = "rot-k1"))
        val answer = sandbox.handle(session.gateSale(1u))
        session.onResponse(answer.httpStatus, answer.body, 2u)
        sandbox.signMessagesWith("old-secret")
        val bodies = sandbox.completeSale("rot-k1", "success")
        assertEquals("previous", verifyCallback(project, bodies.last()).keyLabel)
        assertEquals(2002u, errorCode { verifyCallback(ProjectConfig(48039u, "new-secret", null, null), bodies.last()) })
        assertNull(parseCallback(bodies.last()).keyLabel)
        val step = session.applyCallback(bodies.last(), 3u)
        assertEquals("succeeded", step.toState)
        assertEquals("succeeded", session.view().state)
    }

    private fun order(paymentId: String) = Order(
        paymentId = paymentId, amount = 10_000, currency = "INR", description = null,
        customer = Customer("c-1", "203.0.113.7", "A", "B", "919876543210", "a@b.in"),
        returnUrlSuccess = "https://shop.example/ok", returnUrlDecline = null, languageCode = null,
    )
}
