"""The demo data loaded by `make run` (manage.py load_demo_data). DEMO ONLY."""
