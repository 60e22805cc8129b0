"""The registry: social pages, websites, print, link recognition, registry imports and exports."""
