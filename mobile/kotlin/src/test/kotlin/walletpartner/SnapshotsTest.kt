package walletpartner

import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import java.io.File

/** Snapshots written by released versions restore unchanged (tests/vectors/snapshots). */
class SnapshotsTest {
    private val later = (1_764_320_400_000L + 86_400_000L).toULong()

    @TestFactory
    fun releasedSnapshots(): List<DynamicTest> {
        val files = File(Vectors.dir, "snapshots").listFiles { f -> f.name.startsWith("v") && f.name.endsWith(".json") }!!.sortedBy { it.name }
        assertTrue(files.size >= 10)
        return files.map { f -> DynamicTest.dynamicTest(f.nameWithoutExtension) { check(JSONObject(f.readText())) } }
    }

    private fun check(case: JSONObject) {
        val project = ProjectConfig(case.getLong("project_id").toULong(), case.getString("secret"), null, null)
        val text = case.getString("snapshot")
        val expect = case.getJSONObject("expect")
        val payment = PaymentSession.restore(project, text)
        val view = payment.view()
        assertEquals(expect.getString("state"), view.state)
        assertEquals(expect.getLong("version").toULong(), view.version)
        assertEquals(if (expect.isNull("deadline_ms")) null else expect.getLong("deadline_ms").toULong(), view.nextDeadlineMs)
        assertEquals(expect.getString("payment_id"), view.paymentId)
        assertEquals(expect.getLong("amount").toULong(), view.amount)
        val attempts = expect.getJSONArray("refund_attempts")
        assertEquals((0 until attempts.length()).map { attempts.getString(it) }, view.refundAttempts)
        assertEquals(text, payment.snapshot(), "the stored format changed")
        val delivered = case.getJSONArray("delivered")
        val replay = expect.getJSONArray("replay")
        for (i in 0 until delivered.length()) {
            val again = PaymentSession.restore(project, text)
            val step = again.applyCallback(delivered.getString(i).toByteArray(), later)
            assertEquals(replay.getString(i), step.outcome)
            assertEquals(text, again.snapshot())
        }
        val code = errorCode { PaymentSession.restore(project, text).refund("again", null, later) }
        assertEquals(if (expect.isNull("refund_error")) null else expect.getInt("refund_error").toUInt(), code)
    }

    @Test
    fun messageViewsAreTheSameInEveryBinding() {
        val v = Vectors.obj("message-views.json")
        val project = ProjectConfig(v.getLong("project_id").toULong(), v.getString("secret"), null, null)
        val cases = v.getJSONArray("cases")
        assertTrue(cases.length() >= 4)
        for (i in 0 until cases.length()) {
            val case = cases.getJSONObject(i)
            val name = case.getString("name")
            val msg = JSONObject(case.getJSONObject("message").toString())
            msg.put("signature", sign(msg.toString(), v.getString("secret")))
            val view = verifyCallback(project, msg.toString().toByteArray())
            val e = case.getJSONObject("expect")
            fun num(k: String) = if (e.isNull(k)) null else e.getLong(k).toULong()
            assertEquals(e.getString("payment_id"), view.paymentId, name)
            assertEquals(e.getString("payment_status"), view.paymentStatus, name)
            assertEquals(num("amount"), view.amount, name)
            assertEquals(e.optStringOrNull("currency"), view.currency, name)
            assertEquals(num("project_id"), view.projectId, name)
            assertEquals(e.optStringOrNull("operation_type"), view.operationType, name)
            assertEquals(e.optStringOrNull("operation_status"), view.operationStatus, name)
            assertEquals(num("operation_id"), view.operationId, name)
            assertEquals(e.optStringOrNull("code"), view.code, name)
            assertEquals(e.optStringOrNull("message"), view.message, name)
            assertEquals(e.optStringOrNull("provider_payment_id"), view.providerPaymentId, name)
            assertEquals(e.optStringOrNull("redirect_url"), view.redirect?.url, name)
            assertEquals(e.getString("key"), view.key, name)
        }
    }
}
