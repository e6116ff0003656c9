package walletpartner

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Test

/** Bad input from Kotlin: the right exception with its code; the JVM never crashes. */
class BadInputTest {
    private val project = ProjectConfig(48039uL, "s3cret", null, null)

    private fun order(id: String = "p-1", amount: Long = 10_000, currency: String = "INR", customerId: String = "c-1",
                      phone: String? = "919876543210", email: String? = "a@b.in") = Order(
        id, amount, currency, null, Customer(customerId, "203.0.113.7", "A", "B", phone, email),
        "https://shop.example/ok", null, null,
    )

    @Test
    fun invalidOrders() {
        assertEquals(1002u, errorCode { validateOrder(order(amount = -1), Channel.GATE) })
        assertEquals(1002u, errorCode { validateOrder(order(amount = 99), Channel.GATE) })
        assertEquals(1002u, errorCode { validateOrder(order(amount = 40_000_001), Channel.GATE) })
        assertEquals(1002u, errorCode { validateOrder(order(amount = Long.MIN_VALUE), Channel.PAYMENT_PAGE) })
        assertEquals(1001u, errorCode { validateOrder(order(currency = "EUR"), Channel.GATE) })
        assertEquals(1003u, errorCode { validateOrder(order(id = ""), Channel.PAYMENT_PAGE) })
        assertEquals(1003u, errorCode { validateOrder(order(customerId = ""), Channel.PAYMENT_PAGE) })
        assertEquals(1004u, errorCode { validateOrder(order(phone = "12ab"), Channel.PAYMENT_PAGE) })
        assertEquals(1003u, errorCode { validateOrder(order(email = null), Channel.GATE) })
        assertNull(errorCode { validateOrder(order(email = null), Channel.PAYMENT_PAGE) })
        assertEquals(1005u, errorCode { PaymentSession(ProjectConfig(0uL, null, null, null), order()) })
        val e = assertThrows(WalletPartnerException.Validation::class.java) { PaymentSession(project, order(amount = 5)) }
        assertEquals(1002u, e.code)
        assert(e.message!!.contains("paise"))
    }

    @Test
    fun untrustedBodies() {
        assertEquals(2003u, errorCode { parseCallback("{not json".toByteArray()) })
        assertEquals(2003u, errorCode { parseCallback(byteArrayOf(0xff.toByte(), 0xfe.toByte())) })
        assertEquals(2004u, errorCode { parseCallback("[1,2]".toByteArray()) })
        assertEquals(2004u, errorCode { parseCallback("""{"payment":{"id":{"x":1},"status":"success"}}""".toByteArray()) })
        assertEquals(2005u, errorCode { parseCallback(("[".repeat(50_000) + "]".repeat(50_000)).toByteArray()) })
        assertEquals(2001u, errorCode { verifyCallback(project, """{"payment":{"id":"p","status":"success"}}""".toByteArray()) })
        val forged = """{"payment":{"id":"p","status":"success"},"signature":"${"A".repeat(86)}=="}"""
        val e = assertThrows(WalletPartnerException.Signature::class.java) { verifyCallback(project, forged.toByteArray()) }
        assertEquals(2002u, e.code)
        assertEquals(1006u, errorCode { canonicalString("[1]") })
        assertEquals(2003u, errorCode { canonicalString("") })
    }

    /** Bodies that would expand into a gigantic canonical string are 2015 (tests/vectors/limits.json). */
    @Test
    fun canonicalExpansionIsBounded() {
        val limits = Vectors.obj("limits.json")
        val limit = limits.getLong("canonical_limit_bytes")
        val cases = limits.getJSONArray("expanding_bodies")
        for (n in 0 until cases.length()) {
            val case = cases.getJSONObject(n)
            val name = case.getString("name")
            val code = case.getLong("code").toUInt()
            val entries = (0 until case.getInt("children")).joinToString(",") { "\"a$it\":0" }
            val body = "{\"" + "k".repeat(case.getInt("key_len")) + "\":{" + entries + "},\"signature\":\"" +
                "A".repeat(86) + "==\"}"
            assert(body.length <= 2 * 1024 * 1024) { name }
            val e = assertThrows(WalletPartnerException.Protocol::class.java, { verifyCallback(project, body.toByteArray()) }, name)
            assertEquals(code, e.code, name)
            assert(e.message!!.contains(limit.toString())) { name }
            assertEquals(code, errorCode { canonicalString(body) }, name)
        }
        // canonical_boundary needs a parsed object; canonicalString takes JSON text (see the vector).
    }

    @Test
    fun wrongStatesAndSnapshots() {
        val p = PaymentSession(project, order())
        assertEquals(1007u, errorCode { p.refund("early", null, 1uL) })
        assertEquals(1009u, errorCode { p.onResponse(200u, "{}".toByteArray(), 1uL) })
        assertEquals(2013u, errorCode { PaymentSession.restore(project, "{") })
        assertEquals(2014u, errorCode { PaymentSession.restore(project, p.snapshot().replace("\"schema\":1", "\"schema\":7")) })
        assertEquals(2007u, errorCode { PaymentSession.restore(ProjectConfig(1uL, null, null, null), p.snapshot()) })
        assert(!p.snapshot().contains("s3cret"))
    }
}
