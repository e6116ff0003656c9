package walletpartner

import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.TestFactory
import java.io.File

/** Every lifecycle script in tests/vectors/lifecycle, through the generated Kotlin bindings. */
class LifecycleTest {
    private fun bodyOf(step: JSONObject, secret: String): ByteArray {
        if (step.has("body_text")) return step.getString("body_text").toByteArray()
        val msg = JSONObject((if (step.has("message")) step.getJSONObject("message") else step.getJSONObject("body")).toString())
        when (step.optString("sign", "none")) {
            "valid" -> msg.put("signature", sign(msg.toString(), secret))
            "wrong_key" -> msg.put("signature", sign(msg.toString(), "not-the-secret"))
        }
        return msg.toString().toByteArray()
    }

    @TestFactory
    fun scripts(): List<DynamicTest> {
        val files = File(Vectors.dir, "lifecycle").listFiles { f -> f.name.endsWith(".json") }!!.sortedBy { it.name }
        assertTrue(files.size >= 20)
        return files.map { f -> DynamicTest.dynamicTest(f.nameWithoutExtension) { run(JSONObject(f.readText())) } }
    }

    private fun run(case: JSONObject) {
        val name = case.getString("name")
        val secret = case.getString("secret")
        val project = ProjectConfig(case.getLong("project_id").toULong(), secret, null, null)
        if (case.has("create_error")) {
            assertEquals(case.getInt("create_error").toUInt(), errorCode { PaymentSession(project, orderFrom(case.getJSONObject("order"))) }, name)
            return
        }
        var payment = PaymentSession(project, orderFrom(case.getJSONObject("order")))
        var now = case.getLong("start_ms").toULong()
        val steps = case.getJSONArray("steps")
        for (i in 0 until steps.length()) {
            val step = steps.getJSONObject(i)
            val what = step.getString("do")
            val ctx = "$name step $i ($what)"
            now += step.optLong("advance_ms", 0).toULong()
            val expect = step.getJSONObject("expect")
            val before = payment.snapshot()
            var result: StepView? = null
            val error = errorCode {
                when (what) {
                    "gate_sale" -> {
                        val req = payment.gateSale(now)
                        expect.optStringOrNull("request_path")?.let { assertTrue(req.url.endsWith(it), ctx) }
                    }
                    "payment_page_url" -> {
                        val url = payment.paymentPageUrl(now)
                        expect.optJSONArray("url_contains")?.let { parts ->
                            for (k in 0 until parts.length()) assertTrue(url.contains(parts.getString(k)), ctx)
                        }
                    }
                    "response" -> result = payment.onResponse(step.getInt("http_status").toUShort(), bodyOf(step, secret), now)
                    "transport_failure" -> result = payment.onTransportFailure(now)
                    "callback" -> result = payment.applyCallback(bodyOf(step, secret), now)
                    "refund" -> {
                        val r = step.getJSONObject("refund")
                        val amount = if (r.has("amount")) r.getLong("amount") else null
                        val req = payment.refund(r.getString("description"), amount, now)
                        expect.optStringOrNull("request_path")?.let { assertTrue(req.url.endsWith(it), ctx) }
                    }
                    "deadline" -> result = payment.onDeadline(now)
                    "snapshot_roundtrip" -> {
                        val restored = PaymentSession.restore(project, before)
                        assertEquals(before, restored.snapshot(), ctx)
                        payment = restored
                    }
                    "check_state" -> {}
                    else -> throw AssertionError("$ctx: unknown step")
                }
            }
            if (expect.has("error")) {
                assertEquals(expect.getInt("error").toUInt(), error, ctx)
                assertEquals(before, payment.snapshot(), "$ctx: an error changed the payment")
            } else {
                assertEquals(null, error, ctx)
                if (expect.has("outcome")) {
                    assertNotNull(result, ctx)
                    assertEquals(expect.getString("outcome"), result!!.outcome, ctx)
                    expect.optStringOrNull("reason")?.let { assertEquals(it, result.reason, "$ctx: ${result.reasonText}") }
                }
                if (expect.has("actions")) {
                    val want = expect.getJSONArray("actions").let { a -> (0 until a.length()).map { a.getString(it) } }
                    assertEquals(want, result!!.actions, ctx)
                }
            }
            val view = payment.view()
            expect.optStringOrNull("state")?.let { assertEquals(it, view.state, ctx) }
            expect.optStringOrNull("decline_code")?.let { assertEquals(it, view.declineCode, ctx) }
            expect.optStringOrNull("decline_reason")?.let { assertEquals(it, view.declineReason, ctx) }
            expect.optJSONArray("refund_attempts")?.let { a ->
                assertEquals((0 until a.length()).map { a.getString(it) }, view.refundAttempts, ctx)
            }
        }
    }
}
