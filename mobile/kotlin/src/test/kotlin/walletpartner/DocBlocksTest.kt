package walletpartner

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import java.io.ByteArrayOutputStream
import java.io.PrintStream

/**
 * Every Kotlin block of the Markdown docs is a whole program: tests/docs/blocks.py turns each
 * into a package of the test sources (Maven's generate-test-sources phase), and each runs here.
 * A block that stops compiling fails the build; one that throws fails its test.
 */
class DocBlocksTest {
    @Test
    fun theDocsHaveKotlinBlocks() {
        assertEquals(setOf("README.md", "mobile/README.md"), readme.BLOCKS.map { it.first.substringBefore(':') }.toSet())
    }

    @TestFactory
    fun eachBlockRunsAsWritten() = readme.BLOCKS.map { (where, main) ->
        DynamicTest.dynamicTest(where) {
            val out = ByteArrayOutputStream()
            val saved = System.out
            System.setOut(PrintStream(out, true, "UTF-8"))
            try {
                main()
            } finally {
                System.setOut(saved)
            }
            val printed = out.toString("UTF-8")
            print(printed)
            check(printed.isNotBlank()) { "$where printed nothing" }
        }
    }
}
