package walletpartner

import org.json.JSONArray
import org.json.JSONObject
import java.io.File

/** The shared vectors directory (tests/vectors), the same files as Rust, C and Python. */
object Vectors {
    val dir: File = File(System.getProperty("wp.vectors.dir") ?: "../../tests/vectors")

    fun obj(name: String) = JSONObject(File(dir, name).readText())

    fun arr(name: String) = JSONArray(File(dir, name).readText())
}

/** The stable numeric code of any binding error. */
val WalletPartnerException.code: UInt
    get() = when (this) {
        is WalletPartnerException.Validation -> code
        is WalletPartnerException.Transition -> code
        is WalletPartnerException.Signature -> code
        is WalletPartnerException.Protocol -> code
        is WalletPartnerException.Platform -> code
        is WalletPartnerException.Binding -> code
    }

/** Runs [block] and returns the error code it failed with, or null on success. */
inline fun errorCode(block: () -> Unit): UInt? =
    try {
        block()
        null
    } catch (e: WalletPartnerException) {
        e.code
    }

fun JSONObject.optStringOrNull(key: String): String? = if (has(key) && !isNull(key)) getString(key) else null

fun orderFrom(o: JSONObject): Order {
    val c = o.getJSONObject("customer")
    val r = o.getJSONObject("return_url")
    return Order(
        paymentId = o.getString("payment_id"),
        amount = o.getLong("amount"),
        currency = "INR",
        description = o.optStringOrNull("description"),
        customer = Customer(
            id = c.getString("id"),
            ipAddress = c.optStringOrNull("ip_address"),
            firstName = c.optStringOrNull("first_name"),
            lastName = c.optStringOrNull("last_name"),
            phone = c.optStringOrNull("phone"),
            email = c.optStringOrNull("email"),
        ),
        returnUrlSuccess = r.getString("success"),
        returnUrlDecline = r.optStringOrNull("decline"),
        languageCode = null,
        returnUrlReturn = r.optStringOrNull("return"),
        merchantCallbackUrl = o.optStringOrNull("merchant_callback_url"),
    )
}
