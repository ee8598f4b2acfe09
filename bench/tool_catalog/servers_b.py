# ruff: noqa: E501
"""Tool lists modelled on real MCP servers (part B: work tracking, docs, mail, business, web APIs, misc).

Same line format as `servers_a`.
"""

SERVERS_B: dict[str, str] = {
    "jira": """
jira_get_issue | Get details of a specific Jira issue including its epic links, comments and fields. | issue_key: issue key such as PROJ-123; fields: fields to return; expand: expand options
jira_search | Search Jira issues using JQL (Jira Query Language). | jql: JQL query; fields: fields; limit#int: maximum results
jira_create_issue | Create a new Jira issue with optional epic link. | project_key: project; summary: summary; issue_type: Task, Bug or Story; description: description; assignee: assignee
jira_update_issue | Update the fields of an existing Jira issue. | issue_key: issue; fields#obj: fields to update
jira_delete_issue | Delete an existing Jira issue. | issue_key: issue
jira_transition_issue | Transition a Jira issue to a new status (for example from In Progress to Done). | issue_key: issue; transition_id: transition; comment: comment
jira_get_transitions | Get the available status transitions of a Jira issue. | issue_key: issue
jira_add_comment | Add a comment to a Jira issue. | issue_key: issue; comment: comment text
jira_get_project_issues | Get all issues of a Jira project. | project_key: project; limit#int: maximum
jira_get_all_projects | List all Jira projects accessible to the user. |
jira_get_agile_boards | Get Jira agile boards by name, project or type. | board_name: name; project_key: project; board_type: scrum or kanban
jira_get_sprints_from_board | Get the sprints of a Jira board by state. | board_id: board; state: active, future or closed
jira_get_sprint_issues | Get the issues of a sprint. | sprint_id: sprint
jira_create_sprint | Create a new Jira sprint on a board. | board_id: board; sprint_name: name; start_date: start; end_date: end; goal: sprint goal
jira_link_issues | Create a link between two Jira issues, such as blocks or relates to. | inward_issue_key: inward; outward_issue_key: outward; link_type: link type
jira_add_worklog | Log work time spent on a Jira issue. | issue_key: issue; time_spent: such as 1h 30m; comment: comment
jira_get_worklog | Get the worklog entries of a Jira issue. | issue_key: issue
jira_get_user_profile | Get the profile of a Jira user. | user_identifier: account id or email
jira_batch_create_issues | Create several Jira issues in one call. | issues#list: issue definitions
""",
    "confluence": """
confluence_search | Search Confluence content using simple terms or CQL. | query: search query; limit#int: results; spaces_filter: spaces
confluence_get_page | Get the content of a specific Confluence page by id or title. | page_id: page id; title: page title; space_key: space
confluence_get_page_children | Get the child pages of a Confluence page. | parent_id: parent page
confluence_create_page | Create a new Confluence page. | space_key: space; title: title; content: page body in markdown; parent_id: parent page
confluence_update_page | Update an existing Confluence page. | page_id: page; title: title; content: new content
confluence_delete_page | Delete a Confluence page. | page_id: page
confluence_get_comments | Get the comments of a Confluence page. | page_id: page
confluence_add_comment | Add a comment to a Confluence page. | page_id: page; content: comment
confluence_add_label | Add a label to a Confluence page. | page_id: page; name: label
""",
    "linear": """
list_issues | List Linear issues with filters such as team, assignee, state and label. | team: team; assignee: assignee; state: workflow state; label: label; limit#int: maximum
get_issue | Get a Linear issue by its identifier. | id: issue identifier such as ENG-42
create_issue | Create a new Linear issue. | title: title; team: team; description: markdown description; priority#int: priority 0-4; assignee: assignee
update_issue | Update a Linear issue: state, assignee, priority, estimate or labels. | id: issue; state: state; assignee: assignee; priority#int: priority
list_teams | List the teams of the Linear workspace. |
list_projects | List Linear projects. | team: team
create_project | Create a Linear project. | name: name; team: team; description: description
list_cycles | List the cycles (sprints) of a Linear team. | teamId: team; type: current, previous or next
create_comment | Comment on a Linear issue. | issueId: issue; body: markdown body
list_issue_labels | List the issue labels of a Linear team. | team: team
list_users | List the users of the Linear workspace. |
""",
    "asana": """
asana_list_workspaces | List all available Asana workspaces. |
asana_search_tasks | Search tasks in an Asana workspace with advanced filters. | workspace: workspace; text: text; assignee: assignee; completed#bool: completed
asana_get_task | Get the details of an Asana task. | task_id: task
asana_create_task | Create a new task in an Asana project. | project_id: project; name: name; notes: description; due_on: due date; assignee: assignee
asana_update_task | Update an Asana task: name, notes, due date, assignee or completion. | task_id: task; completed#bool: completed; due_on: due date
asana_create_task_story | Add a comment (story) to an Asana task. | task_id: task; text: comment
asana_get_projects | List the projects of an Asana workspace. | workspace: workspace
asana_add_task_dependencies | Set the tasks a task depends on. | task_id: task; dependencies#list: tasks
""",
    "todoist": """
todoist_create_task | Create a new task in Todoist with an optional due date and priority. | content: task text; due_string: natural language due date; priority#int: 1-4; project_id: project
todoist_get_tasks | Get a list of Todoist tasks with optional filters. | filter: Todoist filter query; project_id: project
todoist_update_task | Update an existing Todoist task found by searching its name. | task_name: task to find; content: new text; due_string: new due date
todoist_close_task | Mark a Todoist task as complete. | task_name: task to find
todoist_delete_task | Delete a Todoist task. | task_name: task to find
""",
    "notion": """
API-post-search | Search Notion pages and databases by title. | query: text; filter#obj: object type filter
API-retrieve-a-page | Retrieve a Notion page and its properties. | page_id: page
API-post-page | Create a Notion page in a parent page or database. | parent#obj: parent; properties#obj: properties; children#list: blocks
API-patch-page | Update the properties of a Notion page, or archive it. | page_id: page; properties#obj: properties; archived#bool: archive
API-get-block-children | Retrieve the child blocks (content) of a Notion block or page. | block_id: block; page_size#int: page size
API-patch-block-children | Append new content blocks to a Notion page or block. | block_id: parent block; children#list: blocks
API-delete-a-block | Delete (archive) a Notion block. | block_id: block
API-post-database-query | Query a Notion database with filters and sorts. | database_id: database; filter#obj: filter; sorts#list: sorts
API-create-a-database | Create a Notion database as a child of a page. | parent#obj: parent page; title#list: title; properties#obj: property schema
API-retrieve-a-database | Retrieve the schema of a Notion database. | database_id: database
API-get-users | List all users of the Notion workspace. |
API-create-a-comment | Add a comment to a Notion page. | parent#obj: page; rich_text#list: comment text
API-retrieve-a-comment | Retrieve the comments of a Notion block or page. | block_id: block
""",
    "gdrive": """
gdrive_search | Search for files in Google Drive by name or content. | query: query; pageSize#int: results
gdrive_read_file | Read the contents of a Google Drive file; Docs export as markdown and Sheets as CSV. | fileId: file
gdrive_create_folder | Create a folder in Google Drive. | name: folder name; parentId: parent folder
gdrive_upload_file | Upload a local file to Google Drive. | path: local file; parentId: folder
gdrive_share_file | Share a Google Drive file with a person, granting a role. | fileId: file; email: person; role: reader, commenter or writer
gsheets_read | Read a range of cells from a Google Sheet. | spreadsheetId: sheet; range: A1 range
gsheets_update_cell | Update a cell value in a Google Sheet. | spreadsheetId: sheet; range: cell; value: value
gdocs_create_document | Create a new Google Docs document with content. | title: title; content: text
""",
    "gmail": """
send_email | Send a new email with optional CC, BCC and attachments. | to#list: recipients; subject: subject; body: body; cc#list: CC; attachments#list: file paths
draft_email | Create a draft email without sending it. | to#list: recipients; subject: subject; body: body
read_email | Retrieve the content of a specific email by its id. | messageId: message
search_emails | Search emails using Gmail search syntax. | query: such as from:alice has:attachment; maxResults#int: results
modify_email | Modify email labels, for example move to another folder or mark as read. | messageId: message; addLabelIds#list: labels to add; removeLabelIds#list: labels to remove
delete_email | Permanently delete an email. | messageId: message
list_email_labels | List all Gmail labels, system and user-defined. |
create_label | Create a new Gmail label. | name: label name
batch_modify_emails | Modify the labels of many emails at once. | messageIds#list: messages; addLabelIds#list: add; removeLabelIds#list: remove
download_attachment | Download an email attachment to a local file. | messageId: message; attachmentId: attachment; savePath: directory
create_filter | Create a Gmail filter that acts on matching incoming mail. | criteria#obj: from, to, subject or query; action#obj: labels to add or remove
""",
    "google_calendar": """
list_events | List events of a Google calendar within a time range. | calendarId: calendar; timeMin: start; timeMax: end
search_events | Search calendar events by text. | calendarId: calendar; query: text
create_event | Create a calendar event with attendees and an optional video meeting. | calendarId: calendar; summary: title; start: start time; end: end time; attendees#list: emails; location: location
update_event | Update an existing calendar event. | calendarId: calendar; eventId: event; start: start; end: end; summary: title
delete_event | Delete a calendar event. | calendarId: calendar; eventId: event
get_freebusy | Query free/busy information of calendars to find open time slots. | calendars#list: calendars; timeMin: start; timeMax: end
list_calendars | List all calendars of the user. |
respond_to_event | Accept, decline or tentatively accept an event invitation. | calendarId: calendar; eventId: event; response: accepted, declined or tentative
""",
    "outlook": """
outlook_list_messages | List messages in an Outlook mailbox folder. | folder: folder; top#int: how many
outlook_send_mail | Send an email from an Outlook account. | to#list: recipients; subject: subject; body: body
outlook_create_event | Create an event in the Outlook calendar. | subject: title; start: start; end: end; attendees#list: emails
""",
    "sentry": """
list_issues | List Sentry issues (grouped errors) of a project, filtered by query and status. | organization_slug: organization; project_slug: project; query: search query; sort: date, freq or new
get_issue_details | Get the details and the latest stack trace of a Sentry issue. | issue_id: issue or URL
update_issue | Resolve, ignore or assign a Sentry issue. | issue_id: issue; status: resolved, ignored or unresolved; assignedTo: user
get_event_attachment | Download an attachment of a Sentry event. | event_id: event; attachment_id: attachment
search_events | Search and aggregate Sentry events with natural language, such as error counts per endpoint. | organization_slug: organization; naturalLanguageQuery: the question
list_projects | List the projects of a Sentry organization. | organization_slug: organization
list_releases | List the releases of a Sentry project. | organization_slug: organization; project_slug: project
find_dsns | List the DSNs (client keys) of a Sentry project. | organization_slug: organization; project_slug: project
""",
    "pagerduty": """
list_incidents | List PagerDuty incidents filtered by status, urgency or service. | statuses#list: triggered, acknowledged or resolved; service_ids#list: services; since: start
get_incident | Get a PagerDuty incident. | incident_id: incident
manage_incidents | Acknowledge, resolve or reassign PagerDuty incidents. | incident_ids#list: incidents; status: acknowledged or resolved; assignment: user or escalation policy
create_incident | Open a new PagerDuty incident on a service. | title: title; service_id: service; urgency: high or low; body: details
add_note_to_incident | Add a note to a PagerDuty incident. | incident_id: incident; note: text
list_oncalls | List who is on call for escalation policies and schedules. | schedule_ids#list: schedules; since: start; until: end
list_services | List PagerDuty services. | query: name filter
""",
    "grafana": """
query_prometheus | Run a PromQL query against a Prometheus data source, instant or over a range. | datasourceUid: data source; expr: PromQL expression; startTime: start; endTime: end; stepSeconds#int: step
list_prometheus_metric_names | List the metric names of a Prometheus data source. | datasourceUid: data source; regex: filter
query_loki_logs | Query logs with LogQL from a Loki data source. | datasourceUid: data source; logql: LogQL query; limit#int: lines
search_dashboards | Search Grafana dashboards by title. | query: text
get_dashboard_by_uid | Get the full JSON of a Grafana dashboard. | uid: dashboard
update_dashboard | Create or update a Grafana dashboard from JSON. | dashboard#obj: dashboard JSON; message: change message
list_alert_rules | List Grafana alert rules with their current state. | label_selectors#list: label filters
create_annotation | Create an annotation on a dashboard or panel to mark an event in time. | dashboardUID: dashboard; time#int: epoch ms; text: annotation text; tags#list: tags
list_datasources | List Grafana data sources. | type: data source type
""",
    "datadog": """
get_monitors | Fetch Datadog monitors and their status. | groupStates#list: alert, warn or no data; tags#list: tags
get_logs | Search and retrieve Datadog logs. | query: log query; from#int: start; to#int: end; limit#int: lines
query_metrics | Query Datadog timeseries metrics. | query: metric query; from#int: start; to#int: end
list_hosts | List the hosts reporting to Datadog. | filter: filter
mute_host | Mute monitoring alerts for a host. | hostname: host; end#int: until; message: reason
""",
    "stripe": """
create_customer | Create a customer in Stripe. | name: customer name; email: email
list_customers | Fetch a list of customers from Stripe. | email: filter by email; limit#int: number
create_product | Create a product in Stripe. | name: product name; description: description
list_products | List products in Stripe. | limit#int: number
create_price | Create a price for a product. | product: product id; unit_amount#int: amount in cents; currency: currency
create_payment_link | Create a payment link for a price. | price: price id; quantity#int: quantity
create_invoice | Create an invoice for a customer. | customer: customer id; days_until_due#int: payment terms
create_invoice_item | Add a line item to an invoice. | customer: customer; price: price; invoice: invoice
finalize_invoice | Finalize a draft invoice so it can be paid. | invoice: invoice id
list_invoices | List invoices, optionally of one customer. | customer: customer; limit#int: number
retrieve_balance | Retrieve the balance of the Stripe account. |
create_refund | Refund a payment intent. | payment_intent: payment intent id; amount#int: amount in cents
list_payment_intents | List payment intents. | customer: customer; limit#int: number
list_subscriptions | List subscriptions. | customer: customer; status: status
cancel_subscription | Cancel a subscription. | subscription: subscription id
update_subscription | Change the items or quantity of a subscription. | subscription: subscription; items#list: items
list_disputes | List payment disputes (chargebacks). | limit#int: number
create_coupon | Create a discount coupon. | percent_off#int: percent; duration: once, repeating or forever
""",
    "shopify": """
get_products | Get all products from the Shopify store, or search by title. | searchTitle: filter by title; limit#int: number
get_product | Get a single Shopify product by id. | productId: product
create_product | Create a product in the Shopify store. | title: title; descriptionHtml: description; vendor: vendor
update_inventory_level | Set the available inventory quantity of a variant at a location. | inventoryItemId: item; locationId: location; available#int: quantity
get_orders | Get Shopify orders with optional filters. | status: open, closed or any; limit#int: number
get_order | Get a single order by id. | orderId: order
fulfill_order | Create a fulfillment for an order with tracking information. | orderId: order; trackingNumber: tracking; trackingCompany: carrier
get_customers | Get Shopify customers or search by name or email. | searchQuery: search; limit#int: number
create_discount | Create a basic discount code. | title: title; code: code; valueType: percentage or fixed_amount; value: amount
""",
    "salesforce": """
salesforce_query_records | Query Salesforce records with SOQL-like filters, including relationship queries. | objectName: sObject; fields#list: fields; whereClause: filter
salesforce_search_all | Search across several Salesforce objects with SOSL. | searchTerm: text; objects#list: objects
salesforce_describe_object | Get the field metadata of a Salesforce object. | objectName: sObject
salesforce_dml_records | Insert, update, upsert or delete Salesforce records. | operation: insert, update or delete; objectName: sObject; records#list: records
salesforce_aggregate_query | Run aggregate queries with GROUP BY, such as counts and sums per stage. | objectName: sObject; selectFields#list: fields; groupByFields#list: grouping
""",
    "hubspot": """
hubspot_create_contact | Create a contact in HubSpot CRM. | email: email; firstname: first name; lastname: last name; company: company
hubspot_get_contact | Get a HubSpot contact by id or email. | contactId: contact
hubspot_search_contacts | Search HubSpot contacts by properties. | query: text; filters#list: property filters
hubspot_create_deal | Create a deal in a HubSpot pipeline. | dealname: name; amount: amount; dealstage: stage; pipeline: pipeline
hubspot_update_deal | Update a HubSpot deal, such as moving it to another stage. | dealId: deal; properties#obj: properties
hubspot_create_company | Create a company record in HubSpot. | name: company name; domain: website domain
hubspot_create_note | Log a note on a contact, company or deal. | body: note text; associations#list: records
hubspot_list_pipelines | List deal pipelines and their stages. |
""",
    "zendesk": """
get_tickets | List Zendesk support tickets, sorted by recency. | status: status; page#int: page
get_ticket | Get a Zendesk ticket with its description. | ticket_id#int: ticket
get_ticket_comments | Get the comments (conversation) of a Zendesk ticket. | ticket_id#int: ticket
create_ticket_comment | Reply to a Zendesk ticket with a public or internal comment. | ticket_id#int: ticket; comment: text; public#bool: visible to the requester
update_ticket | Update the status, priority or assignee of a ticket. | ticket_id#int: ticket; status: status; priority: priority
search_help_center | Search the Zendesk help center articles. | query: text
""",
    "intercom": """
search_conversations | Search Intercom conversations by text, state or date. | query: text; state: open or closed
get_conversation | Get an Intercom conversation with its messages. | id: conversation
reply_conversation | Reply to an Intercom conversation as an admin. | id: conversation; body: reply
""",
    "airtable": """
list_bases | List all accessible Airtable bases. |
list_tables | List the tables of an Airtable base. | baseId: base
describe_table | Get the fields of an Airtable table. | baseId: base; tableId: table
list_records | List records of an Airtable table. | baseId: base; tableId: table; maxRecords#int: limit; filterByFormula: formula
search_records | Search records containing text in an Airtable table. | baseId: base; tableId: table; searchTerm: text
create_record | Create a record in an Airtable table. | baseId: base; tableId: table; fields#obj: field values
update_records | Update up to ten records in an Airtable table. | baseId: base; tableId: table; records#list: id and fields
delete_records | Delete records from an Airtable table. | baseId: base; tableId: table; recordIds#list: records
create_field | Add a new field (column) to an Airtable table. | baseId: base; tableId: table; field#obj: name and type
""",
    "figma": """
get_figma_data | Get the layout information of a Figma file or node. | fileKey: file; nodeId: node; depth#int: depth
download_figma_images | Download SVG and PNG images used in a Figma file. | fileKey: file; nodes#list: nodes; localPath: directory
get_comments | Get the comments on a Figma file. | fileKey: file
post_comment | Post a comment on a Figma file. | fileKey: file; message: text
get_components | List the published components of a Figma file. | fileKey: file
""",
    "memory": """
create_entities | Create multiple new entities in the knowledge graph. | entities#list: name, entityType and observations
create_relations | Create relations between entities in the knowledge graph, in active voice. | relations#list: from, to and relationType
add_observations | Add new observations to existing entities of the knowledge graph. | observations#list: entityName and contents
delete_entities | Delete entities and their relations from the knowledge graph. | entityNames#list: names
delete_observations | Delete specific observations from entities. | deletions#list: entityName and observations
delete_relations | Delete relations from the knowledge graph. | relations#list: relations
read_graph | Read the entire knowledge graph. |
search_nodes | Search for nodes in the knowledge graph by names, types and observation content. | query: text
open_nodes | Open specific nodes of the knowledge graph by their names. | names#list: names
""",
    "time": """
get_current_time | Get the current time in a specific timezone. | timezone: IANA timezone name such as Europe/Paris
convert_time | Convert a time between timezones. | source_timezone: source; time: HH:MM; target_timezone: target
""",
    "sequential_thinking": """
sequentialthinking | A tool for dynamic and reflective problem-solving through a sequence of thoughts that can revise earlier ones. | thought: current thinking step; nextThoughtNeeded#bool: whether another step is needed; thoughtNumber#int: step; totalThoughts#int: estimate
""",
    "google_maps": """
maps_geocode | Convert an address into geographic coordinates. | address: the address
maps_reverse_geocode | Convert coordinates into an address. | latitude: latitude; longitude: longitude
maps_search_places | Search for places using a text query, optionally near a location. | query: text; location#obj: latitude and longitude; radius#int: meters
maps_place_details | Get detailed information about a place: phone, website, opening hours, reviews. | place_id: place
maps_distance_matrix | Calculate travel distances and times between origins and destinations. | origins#list: origins; destinations#list: destinations; mode: driving, walking, bicycling or transit
maps_directions | Get route directions between two points. | origin: start; destination: end; mode: travel mode
maps_elevation | Get elevation data for locations on Earth. | locations#list: coordinates
""",
    "weather": """
get_alerts | Get active weather alerts for a US state. | state: two-letter state code
get_forecast | Get the weather forecast for a location. | latitude: latitude; longitude: longitude
get_current_conditions | Get the current observed weather at a location: temperature, wind, humidity. | city: city name
""",
    "youtube": """
get_transcript | Get the transcript (captions) of a YouTube video. | url: video URL; lang: language
search_videos | Search YouTube videos. | query: text; maxResults#int: results
get_video_details | Get the title, channel, views and duration of a YouTube video. | videoId: video
""",
    "spotify": """
search_tracks | Search Spotify for tracks, albums or artists. | query: text; type: track, album or artist
play_music | Start playback of a track, album or playlist on the active device. | uri: Spotify URI
pause_playback | Pause playback on the active device. |
skip_to_next | Skip to the next track. |
add_to_queue | Add a track to the playback queue. | uri: track URI
create_playlist | Create a playlist and add tracks to it. | name: playlist name; track_uris#list: tracks
""",
    "twilio": """
send_sms | Send an SMS text message to a phone number. | to: phone number; body: message text
make_call | Place an outbound phone call that speaks a message. | to: phone number; message: what to say
list_messages | List recently sent and received text messages. | limit#int: number
""",
    "obsidian": """
obsidian_list_files_in_vault | List all files and directories in the root of the Obsidian vault. |
obsidian_get_file_contents | Return the content of a single note in the vault. | filepath: note path
obsidian_simple_search | Search notes in the vault for a text. | query: text; context_length#int: characters around matches
obsidian_append_content | Append content to a new or existing note in the vault. | filepath: note; content: text
obsidian_patch_content | Insert content into a note relative to a heading, block reference or frontmatter field. | filepath: note; target_type: heading, block or frontmatter; target: target; content: text
obsidian_delete_file | Delete a note or directory from the vault. | filepath: note
""",
    "pdf": """
pdf_extract_text | Extract the text of a PDF document, page by page. | path: PDF file; pages: page range
pdf_merge | Merge several PDF files into one. | paths#list: input files; output: output file
pdf_split | Split a PDF into separate files by page ranges. | path: input; ranges#list: page ranges
docx_read | Read the text and tables of a Word document. | path: .docx file
xlsx_read_sheet | Read the rows of an Excel worksheet. | path: .xlsx file; sheet: sheet name
convert_document | Convert a document between formats such as markdown, HTML, PDF and DOCX. | input: input file; output_format: target format
""",
    "e2b": """
run_code | Run Python code in a secure cloud sandbox and return stdout, stderr and results. | code: Python source
install_package | Install a Python package in the code sandbox. | name: package
""",
    "translate": """
translate_text | Translate text into another language. | text: text; target_lang: language code; source_lang: language code
detect_language | Detect the language of a text. | text: text
""",
    "calculator": """
calculate | Evaluate a mathematical expression. | expression: such as 2*(3+4)
convert_units | Convert a quantity between units of measurement. | value: number; from_unit: unit; to_unit: unit
""",
    "everart": """
generate_image | Generate images from a text prompt with an image model. | prompt: description of the image; model: model id; image_count#int: number of images
""",
}
