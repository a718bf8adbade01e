"""procqa in the browser: `streamlit run app.py` (or scripts/start.sh). The page lives in procqa.web.app;
this file is only Streamlit's entry point and is not installed."""

from procqa.web.app import main

if __name__ == "__main__":
    main()
