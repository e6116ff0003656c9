package walletpartner

import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Test

class VectorsTest {
    @Test
    fun officialSdkCases() {
        val cases = Vectors.arr("official-sdk-cases.json")
        var checked = 0
        for (i in 0 until cases.length()) {
            val c = cases.getJSONObject(i)
            val id = c.getString("id")
            when (c.getString("kind")) {
                "sign", "string_to_sign", "payment_page_url" -> {
                    val params = c.getJSONObject("params").toString()
                    c.optStringOrNull("string_to_sign")?.let { assertEquals(it, canonicalString(params), id) }
                    if (c.getString("kind") != "string_to_sign") {
                        assertEquals(c.getString("signature"), sign(params, c.getString("secret")), id)
                    }
                }
                "callback" -> {
                    val code = errorCode { verify(c.getString("body").toByteArray(), c.getString("secret")) }
                    if (c.getBoolean("valid")) assertNull(code, id) else assertEquals(c.getInt("error_code").toUInt(), code, id)
                }
            }
            checked++
        }
        assertEquals(53, checked)
    }

    @Test
    fun signedCorpus() {
        val corpus = Vectors.arr("signed-corpus.json")
        assertEquals(100, corpus.length())
        for (i in 0 until corpus.length()) {
            val c = corpus.getJSONObject(i)
            val params = c.getJSONObject("params")
            val secret = c.getString("secret")
            assertEquals(c.getString("string_to_sign"), canonicalString(params.toString()), "corpus[$i]")
            assertEquals(c.getString("signature"), sign(params.toString(), secret), "corpus[$i]")
            assertEquals(c.getString("signature"), signString(c.getString("string_to_sign"), secret), "corpus[$i]")
            if (params.has("general")) params.getJSONObject("general").put("signature", c.getString("signature"))
            else params.put("signature", c.getString("signature"))
            assertNull(errorCode { verify(params.toString().toByteArray(), secret) }, "corpus[$i]")
            assertEquals(2002u, errorCode { verify(params.toString().toByteArray(), secret + "x") }, "corpus[$i]")
        }
    }

    @Test
    fun handWrittenCases() {
        val v = Vectors.obj("signature-cases.json")
        val canonical = v.getJSONArray("canonical")
        for (i in 0 until canonical.length()) {
            val c = canonical.getJSONObject(i)
            // The binding takes JSON text, so numbers keep their received text (floats too).
            assertEquals(c.getString("canonical"), canonicalString(c.getString("params_json")), c.getString("name"))
            assertEquals(c.getString("signature"), sign(c.getString("params_json"), c.getString("secret")), c.getString("name"))
        }
        val verifyCases = v.getJSONArray("verify")
        for (i in 0 until verifyCases.length()) {
            val c = verifyCases.getJSONObject(i)
            val code = errorCode { verify(c.getString("body").toByteArray(), c.getString("secret")) }
            if (c.getBoolean("valid")) assertNull(code, c.getString("name"))
            else assertEquals(c.getInt("error_code").toUInt(), code, c.getString("name"))
        }
    }

    @Test
    fun nestedJsonIsNotNeededForTheSpecExample() {
        val params = JSONObject("""{"b": true, "a": {"y": null, "x": [4, 5]}, "frame_mode": "popup"}""")
        assertEquals("a:x:0:4;a:x:1:5;a:y:;b:1", canonicalString(params.toString()))
    }
}
