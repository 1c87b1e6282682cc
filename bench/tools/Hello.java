/** The smallest Java program: a floor for what any JVM command costs to start. */
public final class Hello {
    public static void main(String[] args) {
        System.out.println("hello");
    }
}
