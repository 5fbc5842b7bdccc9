//! The `crosshedge` command line.
fn main() {
    println!("crosshedge");
}
