"""Code shared by the backend, the action server (actions/) and the Rasa channels (bot/).

Pure Python: nothing here imports Rasa, rasa-sdk or FastAPI, so each of the three
processes can import it without pulling in the others.
"""
