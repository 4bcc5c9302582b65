package dev.mailgate;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The layout as rules, so that it stays the way DEVELOPERS.md describes it. A message flows from a door
 * (SMTP in {@code inbound}, HTTPS in {@code api}) through {@code submission} into the durable {@code queue},
 * with {@code policy} consulted on the way, and {@code outbound} delivers from the queue; {@code mail} is the
 * vocabulary they all share. Production classes only; no exceptions are frozen. The rules run as methods:
 * Surefire 3.5.3 does not run {@code @ArchTest} fields (TNG/ArchUnit#1442).
 */
@AnalyzeClasses(packages = "dev.mailgate", importOptions = ImportOption.DoNotIncludeTests.class)
class LayoutTest {

    private static final String INBOUND = "dev.mailgate.inbound..";
    private static final String API = "dev.mailgate.api..";

    private static final ArchRule THE_STAGES_DEPEND_ONLY_DOWNWARDS = layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .layer("Doors")
            .definedBy(INBOUND, API)
            .layer("Submission")
            .definedBy("dev.mailgate.submission..")
            .layer("Policy")
            .definedBy("dev.mailgate.policy..")
            .layer("Queue")
            .definedBy("dev.mailgate.queue..")
            .layer("Delivery")
            .definedBy("dev.mailgate.outbound..")
            .layer("Mail")
            .definedBy("dev.mailgate.mail..")
            .whereLayer("Doors")
            .mayNotBeAccessedByAnyLayer()
            .whereLayer("Delivery")
            .mayNotBeAccessedByAnyLayer()
            .whereLayer("Submission")
            .mayOnlyBeAccessedByLayers("Doors")
            .whereLayer("Policy")
            .mayOnlyBeAccessedByLayers("Doors", "Submission")
            .whereLayer("Queue")
            .mayOnlyBeAccessedByLayers("Submission", "Delivery");

    /** Doors → submission → policy / queue → mail, and delivery reads the queue. */
    @ArchTest
    void theStagesDependOnlyDownwards(JavaClasses classes) {
        THE_STAGES_DEPEND_ONLY_DOWNWARDS.check(classes);
    }

    private static final ArchRule MAIL_IMPORTS_NO_OTHER_MAILGATE_PACKAGE = noClasses()
            .that()
            .resideInAPackage("dev.mailgate.mail..")
            .should()
            .dependOnClassesThat(resideInAPackage("dev.mailgate..").and(not(resideInAPackage("dev.mailgate.mail.."))));

    @ArchTest
    void mailImportsNoOtherMailgatePackage(JavaClasses classes) {
        MAIL_IMPORTS_NO_OTHER_MAILGATE_PACKAGE.check(classes);
    }

    private static final ArchRule NOTHING_IMPORTS_THE_SMTP_DOOR = noClasses()
            .that()
            .resideOutsideOfPackage(INBOUND)
            .should()
            .dependOnClassesThat()
            .resideInAPackage(INBOUND);

    /** The doors are the top: health, audit and the rest learn about them through interfaces of their own. */
    @ArchTest
    void nothingImportsTheSmtpDoor(JavaClasses classes) {
        NOTHING_IMPORTS_THE_SMTP_DOOR.check(classes);
    }

    private static final ArchRule NOTHING_IMPORTS_THE_API_DOOR = noClasses()
            .that()
            .resideOutsideOfPackage(API)
            .should()
            .dependOnClassesThat()
            .resideInAPackage(API);

    @ArchTest
    void nothingImportsTheApiDoor(JavaClasses classes) {
        NOTHING_IMPORTS_THE_API_DOOR.check(classes);
    }

    private static final ArchRule NO_CYCLES_BETWEEN_PACKAGES =
            slices().matching("dev.mailgate.(*)..").should().beFreeOfCycles();

    @ArchTest
    void noCyclesBetweenPackages(JavaClasses classes) {
        NO_CYCLES_BETWEEN_PACKAGES.check(classes);
    }
}
