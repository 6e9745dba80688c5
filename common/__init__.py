"""Small, dependency-free pieces the backend, the action server and the channels share."""
