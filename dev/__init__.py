"""Development tools shared by the benchmarks (bench/) and the tests (tests/): starting and
stopping the assistant's processes. Neither the product nor its tests import bench/."""
